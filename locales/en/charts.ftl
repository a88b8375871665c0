# Numbers, periods and charts as people write them (the charts-numbers work).

value-bad-group = "{ $typed }" cannot be read: after a dot or a space between thousands come exactly 3 digits (12.000 or 12 000; decimals after a comma: 12,5). Please type it again, e.g. { $example }.

# A period as people write it.
period-year = { $year }
period-half = H{ $half } { $year }
period-quarter = Q{ $quarter } { $year }
period-month = { $month ->
    [1] January
    [2] February
    [3] March
    [4] April
    [5] May
    [6] June
    [7] July
    [8] August
    [9] September
    [10] October
    [11] November
   *[other] December
} { $year }

# The indicator chart's line of the progress expected by the end of each period.
chart-pace-label = Progress expected by then
