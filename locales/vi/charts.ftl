# Numbers, periods and charts as people write them (the charts-numbers work).

value-bad-group = Không đọc được "{ $typed }": sau dấu chấm hay khoảng trắng ngăn hàng nghìn phải có đúng 3 chữ số (12.000 hoặc 12 000; phần thập phân sau dấu phẩy: 12,5). Hãy gõ lại, ví dụ { $example }.
