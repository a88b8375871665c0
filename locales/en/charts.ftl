# Numbers, periods and charts as people write them (the charts-numbers work).

value-bad-group = "{ $typed }" cannot be read: after a dot or a space between thousands come exactly 3 digits (12.000 or 12 000; decimals after a comma: 12,5). Please type it again, e.g. { $example }.
