# Plans as versioned documents: versions, diffs, several plans followed at once.

plan-version-name = version { $number } (imported { $date })
answered-under-versions = This period's figures answer Plan { $plan } as of { $versions }: its wording and targets are shown and judged as in that version.

cli-plan-unknown = No plan { $code } is followed. The plans followed: { $plans }.

plan-diff-new = New plan { $code }: agencies { $agencies }, groups { $groups }, sections { $sections }, tasks { $tasks }, indicators { $indicators } (metrics { $metrics }), reporting rounds { $rounds }, holiday periods { $holidays }.
plan-diff-alongside = Plan { $code } will be followed alongside: { $others }.
plan-diff-renumber = The file amends Plan { $old } and renumbers it { $code }: every report filed under the old number is kept, and nobody is reminded twice.
plan-diff-none = No change: the file is the version of Plan { $code } followed now.
plan-diff-update = Plan { $code } is followed at version { $version }; importing this file makes version { $next }:
plan-diff-kind-task = Tasks ({ $count } changes):
plan-diff-kind-metric = Metrics ({ $count } changes):
plan-diff-kind-round = Reporting rounds ({ $count } changes):
plan-diff-added = + { $code }: added.
plan-diff-removed = − { $code }: removed from the plan.
plan-diff-reworded = ~ { $code }: reworded.
plan-diff-retargeted = ◎ { $code }: target changed from { $before } to { $after }.
plan-diff-moved-said = → { $code }: was { $from } (the file says replaces).
plan-diff-moved-found = → { $code }: has the words of the former { $from } (the file does not say replaces).
plan-diff-filed-history = { $count ->
    [one] The answer filed stays in the history.
   *[other] The { $count } answers filed stay in the history.
}
plan-diff-filed-kept = { $count ->
    [one] The answer filed keeps the words and target it answered.
   *[other] The { $count } answers filed keep the words and target they answered.
}
plan-diff-filed-follow = { $count ->
    [one] The answer filed goes with { $code }.
   *[other] The { $count } answers filed go with { $code }.
}
plan-diff-reports-follow = { $count ->
    [one] The report filed goes with { $code }.
   *[other] The { $count } reports filed go with { $code }.
}
plan-diff-needs-confirm = ⚠ { $count ->
    [one] An answer was filed for { $from }: confirm where it goes.
   *[other] { $count } answers were filed for { $from }: confirm where they go.
}
plan-diff-duties = Agencies gaining or losing duties:
plan-diff-gained = gains { $codes }
plan-diff-lost = loses { $codes }
plan-diff-refused = Importing this file is refused until { $count ->
    [one] the moved entry with answers is
   *[other] the { $count } moved entries with answers are
} mapped with replaces in the file or confirmed with --confirm.

plan-import-renumbered = Plan { $old } is now numbered { $code }; every report filed is kept.
plan-import-renamed = { $old } → { $new }: the answers filed go with it.
plan-import-version = Saved version { $number } of the plan; answers filed keep the version they answered.
plan-import-moves-refused = Not imported: { $count ->
    [one] an entry with answers filed was
   *[other] { $count } entries with answers filed were
} re-coded without the file saying so. For each, write replaces = "old code" on the new entry in the file, or run again with --confirm OLD-CODE if it is the same work:
plan-import-move-line = { $from } → { $code } ({ $count ->
    [one] 1 answer
   *[other] { $count } answers
}): --confirm { $from }
plan-import-sibling-refused = Plan { $other } of { $province } for { $year } is followed. If { $code } amends or renumbers it, add amends = ["{ $other }"] under [plan] so that nobody is reminded twice; to follow both, import with --alongside.

plan-stop-done = Stopped following Plan { $code }: no more reminders or questions; the reports filed are kept. Import its file again to follow it again.
plan-stop-last = Cannot stop { $code }: it is the only plan followed.
