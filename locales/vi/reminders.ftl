reminder = ⏰ Nhắc báo cáo: { $round }, { $period }
    { $agency }
    { $when }
    { $missing }
reminder-before = Hạn cuối: { $last_day }, còn { $days } ngày.
reminder-today = Hôm nay là hạn cuối: { $last_day }.
reminder-overdue = Đã quá hạn { $days } ngày (hạn cuối { $last_day }). Xin gửi báo cáo sớm.
reminder-missing-none = Đã nhập đủ các mục, chỉ còn bấm "Gửi báo cáo".
reminder-missing-few = Còn { $count } mục chưa nhập: { $items }.
reminder-missing-many = Còn { $count } mục chưa nhập: { $items } và { $more } mục khác.
reminder-missing-document = Chưa gửi tệp văn bản của kỳ này.
button-report-now = 📝 Báo cáo ngay
notice-blocked = ⛔ { $name } ({ $agency }) đã chặn bot nên không nhận được nhắc nhở nữa. Đơn vị còn { $left } đầu mối nhận được tin.
digest-weekly = 📊 Tổng hợp tuần { $week }, Kế hoạch { $plan }
digest-after-deadline = 📊 Hết hạn { $round }, { $period }, Kế hoạch { $plan }
digest-period = { $round }, { $period } (hạn { $last_day }): đúng hạn { $on_time }, muộn { $late }, chưa nộp { $missing }, chưa đến hạn { $pending }. Tỷ lệ nộp { $reporting }%, đúng hạn { $punctual }%.
digest-missing = Chưa nộp: { $agencies }
digest-nothing-open = Không có kỳ báo cáo nào đang mở.
notice-unreachable = ☎️ Không nhắc được { $count } đơn vị về { $round }, { $period } (hạn { $last_day }):
notice-escalated = ⚠️ { $count } đơn vị vẫn chưa nộp { $round }, { $period } (hạn cuối { $last_day }); số ngày làm việc đã quá:
