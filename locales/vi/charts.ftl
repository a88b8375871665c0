# Numbers, periods and charts as people write them (the charts-numbers work).

value-bad-group = Không đọc được "{ $typed }": sau dấu chấm hay khoảng trắng ngăn hàng nghìn phải có đúng 3 chữ số (12.000 hoặc 12 000; phần thập phân sau dấu phẩy: 12,5). Hãy gõ lại, ví dụ { $example }.

# A period as people write it.
period-year = năm { $year }
period-half = { $half ->
    [1] 6 tháng đầu năm
   *[other] 6 tháng cuối năm
} { $year }
period-quarter = quý { $quarter ->
    [1] I
    [2] II
    [3] III
   *[other] IV
}/{ $year }
period-month = tháng { $month }/{ $year }

# The indicator chart's line of the progress expected by the end of each period.
chart-pace-label = Tiến độ cần đạt theo thời gian
