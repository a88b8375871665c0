problem-unknown-field = this table has no field "{ $name }"; its fields are: { $allowed }
problem-both-set = write either { $first } or { $second }, not both
problem-missing-one-of = write { $first } or { $second }
problem-date-outside-years = the date { $value } is neither in the plan's year { $year } nor in { $next }
problem-not-a-weekend = { $value } is not a Saturday or Sunday; list only weekend days worked to make up for a day off
problem-unknown-ref = the plan has nothing numbered or coded "{ $value }" here
problem-combine-needed = several agencies report this metric; say how their values combine: combine = "each", "sum" or "lead"
problem-lead-is-group = "{ $code }" is a group; the agency that reports the total must come first
problem-target-not-in-wording = the target { $target } is not among the numbers of its own wording ({ $found }); check which one is right
plan-warnings-header = Warnings (the file is accepted): { $count }
plan-warning-line = - { $place }: { $message }
export-several-rounds = Several rounds have the period { $period }: { $rounds }. Choose one with --round CODE.
export-round-not-in-period = The round { $round } has no period { $period }.
problem-only-with = { $field } means something only with { $with }; remove it or change the other setting
problem-bad-period = "{ $value }" is not a period of { $year } (write e.g. { $year }-Q1, { $year }-H1, { $year }-06 or { $year })
plan-kind-indicator-groups = Indicator groups
plan-kind-working-days = Working Saturdays
