# Plans as versioned documents: versions, diffs, several plans followed at once.

plan-version-name = version { $number } (imported { $date })
answered-under-versions = This period's figures answer Plan { $plan } as of { $versions }: its wording and targets are shown and judged as in that version.
