weekday-mon = Thứ Hai
weekday-tue = Thứ Ba
weekday-wed = Thứ Tư
weekday-thu = Thứ Năm
weekday-fri = Thứ Sáu
weekday-sat = Thứ Bảy
weekday-sun = Chủ Nhật
date-with-weekday = { $weekday }, { $date }
