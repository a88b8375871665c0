## Labels shared by the leaders' screens, the charts and the workbook

timeliness-on-time = Đúng hạn
timeliness-late = Trễ { $days } ngày
timeliness-missing = Chưa nộp
timeliness-pending = Chưa đến hạn
direction-at-least = Tối thiểu
direction-at-most = Tối đa
direction-reduce-by = Giảm
state-draft = đang soạn
state-submitted = đã gửi, chờ xem xét
state-accepted = đã được chấp nhận
state-returned = bị trả lại để sửa
progress-on-track = 🟢 đạt tiến độ
progress-behind = 🔴 chậm tiến độ

## /tinhhinh

status-none-open = Hiện không có kỳ báo cáo nào đang mở.
status-heading = 📊 Tình hình thực hiện Kế hoạch { $plan }
    { $round }, { $period }, hạn cuối { $last_day }
status-agencies = Đơn vị ({ $total }): ✅ đúng hạn { $on_time } · ⏰ muộn { $late } · ❌ chưa nộp { $missing } · ⏳ chưa đến hạn { $pending }
status-rates = Tỷ lệ nộp { $reporting }%, đúng hạn { $punctual }%.
status-metrics = Chỉ số ({ $total }): 🟢 đạt tiến độ { $on_track } · 🔴 chậm { $behind } · ⚪ chưa báo cáo { $not_reported }
status-metrics-rule = (Số cộng dồn như thu ngân sách, số việc làm so với phần kế hoạch tương ứng thời gian đã qua; tỷ lệ, tốc độ so với kế hoạch cả năm.)
status-others = Kỳ khác đang mở:
status-other-line = • { $round }, { $period } (hạn { $last_day }): nộp { $reporting }%, đúng hạn { $punctual }%, chưa nộp { $missing }
button-timeliness-chart = 📊 Biểu đồ nộp báo cáo
button-export = 📥 Xuất Excel

## /chitieu

indicator-usage = Gõ /chitieu kèm số (1–18) hoặc vài chữ trong tên chỉ tiêu, ví dụ /chitieu 5 hoặc /chitieu ngân sách. Hoặc chọn:
indicator-not-found = Không có chỉ tiêu nào khớp với "{ $query }". Gõ số từ 1 đến 18 hoặc vài chữ trong tên, ví dụ /chitieu ngân sách.
indicator-choose = Có { $count } chỉ tiêu khớp với "{ $query }". Chọn một:
indicator-heading = 📈 ({ $number }) { $name }
indicator-metric = { $code } { $name } — kế hoạch năm: { $direction } { $target }
indicator-latest = { $period }: { $value } · { $bar } { $progress }
indicator-previous = Kỳ trước ({ $period }): { $value }
indicator-previous-none = Kỳ trước ({ $period }): chưa báo cáo
indicator-who = { $agency } · { $person } · { $at }
indicator-no-value = Chưa có số liệu đã nộp ({ $agency }).
indicator-qualitative = Chỉ tiêu định tính, báo cáo bằng lời.
indicator-narrative = { $agency } ({ $period }, { $person } · { $at }):
    "{ $text }"
indicator-no-narrative = Chưa có đánh giá đã nộp.
indicator-someone = không rõ
button-indicator-chart = 📊 Biểu đồ
chart-indicator-title = ({ $number }) { $name }: thực hiện so với kế hoạch năm { $year }
chart-y-label = % kế hoạch
chart-target-label = Kế hoạch (100%)
chart-no-data = Chưa có số liệu đã nộp
chart-indicator-caption = ({ $number }) { $name }: mỗi đường là một chỉ số, tính theo % kế hoạch năm.
chart-timeliness-title = Nộp { $round }, { $period } (hạn { $last_day })
chart-on-time = Đúng hạn
chart-late = Trễ
chart-missing = Chưa nộp
chart-not-due = Chưa đến hạn
chart-days-late = Số ngày trễ
chart-timeliness-caption = { $round }, { $period }: đúng hạn { $on_time }, muộn { $late }, chưa nộp { $missing }, chưa đến hạn { $pending }.
chart-too-many = Có quá nhiều đơn vị để vẽ trên một hình. Hãy xem tệp Excel (/xuat).
chart-no-period = Không tìm thấy kỳ báo cáo này.

## /donvi

agency-usage = Gõ /donvi kèm mã đơn vị hoặc vài chữ trong tên, ví dụ /donvi SYT hoặc /donvi y tế.
agency-choose = Có { $count } đơn vị khớp với "{ $query }". Chọn một:
agency-heading = 🏢 { $name } ({ $code })
agency-focal = Đầu mối: { $people }
agency-no-focal = ⚠️ Chưa có cán bộ đầu mối nào tham gia bot.
agency-latest = 📋 { $round }, { $period }: { $state }, gửi lúc { $at }
agency-no-report = Chưa nộp báo cáo nào.
agency-item-missing = chưa báo cáo
agency-files = 📎 { $count } tệp đính kèm
agency-in-progress = ✏️ { $round }, { $period }: { $state }.
agency-year = Nộp báo cáo năm { $year }:

## /quahan

overdue-none = ✅ Không có đơn vị nào quá hạn báo cáo ở các kỳ đang mở.
overdue-heading = ⏰ { $count } đơn vị quá hạn { $round }, { $period } (hạn cuối { $last_day }, đã { $days } ngày):
overdue-line = • { $agency }: quá { $days } ngày — { $focal }
overdue-line-extended = • { $agency }: quá { $days } ngày, đã gia hạn đến { $last_day } — { $focal }
overdue-focal-reachable = ✅ { $name }
overdue-focal-blocked = ⛔ { $name } (đã chặn bot)
overdue-no-focal = ⚠️ chưa có đầu mối
overdue-no-focal-hint = ⚠️ Đơn vị chưa có đầu mối: hãy gọi điện và gửi link mời (/moi).
overdue-blocked-hint = ⛔ Đầu mối đã chặn bot không nhận được nhắc nhở: hãy gọi điện.

## /xuat

export-usage = Gõ /xuat kèm kỳ, ví dụ /xuat 2022-Q1, hoặc chọn một kỳ:
export-bad-period = "{ $typed }" không phải là kỳ báo cáo. Ghi như 2022-Q1 (quý) hoặc 2022 (cả năm).
export-unknown-period = Kế hoạch không có kỳ báo cáo { $period }.
export-nothing-yet = Chưa có kỳ báo cáo nào để xuất.
export-caption = 📥 Báo cáo tổng hợp Kế hoạch { $plan }, kỳ { $period }: { $reported }/{ $metrics } chỉ số có số liệu, { $handed_in }/{ $agencies } đơn vị đã nộp.
export-csv-caption = Cùng số liệu dạng CSV (UTF-8) cho bảng tính và phần mềm khác.
export-indicators-sheet = Chỉ tiêu
export-timeliness-sheet = Tình hình nộp báo cáo
export-report-title = BÁO CÁO TÌNH HÌNH THỰC HIỆN KẾ HOẠCH { $plan }
export-indicators-heading = Các chỉ tiêu chủ yếu
export-timeliness-heading = Tình hình gửi báo cáo của các đơn vị
export-period-label = Kỳ báo cáo
export-generated-label = Lập lúc
export-not-reported = Chưa báo cáo
export-narrative = Đánh giá
export-h-number = STT
export-h-indicator = Chỉ tiêu
export-h-code = Mã
export-h-metric = Nội dung
export-h-unit = Đơn vị tính
export-h-target = Kế hoạch
export-h-target-out-of = Trên tổng số
export-h-value = Thực hiện
export-h-percent-of-target = % kế hoạch
export-h-direction = Yêu cầu
export-h-reporting-agency = Đơn vị báo cáo
export-h-reported-at = Thời điểm báo cáo
export-h-note = Ghi chú
export-h-task-code = Mục
export-h-task = Nhiệm vụ
export-h-task-agency = Đơn vị thực hiện
export-h-status = Tình trạng
export-h-percent-done = % hoàn thành
export-h-updated-at = Cập nhật
export-h-agency-code = Mã đơn vị
export-h-agency = Đơn vị
export-h-last-day = Hạn báo cáo
export-h-extended-to = Gia hạn đến
export-h-submitted-at = Thời điểm gửi
export-h-days-late = Số ngày trễ
