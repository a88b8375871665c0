## Review by the planning department

review-not-found = Không tìm thấy báo cáo này.
review-accepted-done = ✅ Đã chấp nhận { $round }, { $period } của { $agency }. Báo cáo đã khóa; đơn vị đã được báo.
review-already-accepted = Báo cáo { $round }, { $period } của { $agency } đã được { $by } chấp nhận lúc { $at }. Không có gì thay đổi.
review-not-submitted = Báo cáo { $round }, { $period } của { $agency } hiện { $state }, chưa gửi lại nên chưa xem xét được. Không có gì thay đổi.
review-ask-comment = ↩️ Trả lại { $round }, { $period } của { $agency }. Gõ ý kiến cho đơn vị (cần sửa gì); gõ /huy để thôi.
review-comment-empty = Hãy gõ ý kiến cho đơn vị; báo cáo chưa được trả lại.
review-returned-done = ↩️ Đã trả lại { $round }, { $period } cho { $agency } với ý kiến:
    "{ $comment }"
review-reopened-done = 🔓 Đã mở lại { $round }, { $period } của { $agency } để đơn vị sửa. Việc này được ghi vào lịch sử báo cáo.
review-reopen-not-accepted = Báo cáo { $round }, { $period } của { $agency } hiện { $state }; chỉ mở lại báo cáo đã được chấp nhận. Không có gì thay đổi.
review-focal-accepted = ✅ { $round }, { $period } của { $agency } đã được Sở Kế hoạch và Đầu tư chấp nhận lúc { $at }. Báo cáo đã khóa.
review-focal-returned = ↩️ { $round }, { $period } của { $agency } bị Sở Kế hoạch và Đầu tư trả lại với ý kiến:
    "{ $comment }"
    Bấm nút bên dưới để sửa rồi gửi lại.
review-focal-reopened = 🔓 Sở Kế hoạch và Đầu tư đã mở lại { $round }, { $period } của { $agency } để sửa. Bấm nút bên dưới, sửa rồi gửi lại.
review-view-state = Trạng thái: { $state }
review-view-submitted = Gửi lúc { $at } ({ $status })
review-view-comment = Ý kiến khi trả lại: "{ $comment }"
review-view-reviewed = Xem xét: { $by }, { $at }
button-open-report = ✏️ Mở báo cáo để sửa
button-admin-reopen = 🔓 Mở lại cho đơn vị sửa

## History

history-usage = Cách dùng: /lichsu <MÃ ĐƠN VỊ> <mục> [kỳ], ví dụ /lichsu SYT 13.1 hoặc /lichsu SYT 16.a 2022-Q1.
history-item-not-found = { $agency } không báo cáo mục "{ $item }" trong { $round }. Gõ mã nhiệm vụ (16.a), chỉ số (13.1) hoặc số chỉ tiêu định tính (17).
history-no-report = { $agency } chưa mở báo cáo { $round }, { $period }.
history-heading = 🕘 Lịch sử { $item } — { $agency } — { $round }, { $period }
history-values = Giá trị:
history-value-line = • { $at } — { $person }: { $before } → { $after }
history-no-values = • Chưa có ai nhập mục này.
history-decisions = Gửi và xem xét:
history-submitted = • { $at } — { $person }: gửi báo cáo
history-accepted = • { $at } — { $person }: chấp nhận
history-returned = • { $at } — { $person }: trả lại, ý kiến "{ $comment }"
history-reopened = • { $at } — { $person }: mở lại để sửa
history-no-decisions = • Chưa gửi lần nào.
history-empty-value = (trống)

## Deadline extensions

extend-usage = Cách dùng: /giahan <MÃ ĐƠN VỊ> <kỳ> <hạn mới>, ví dụ /giahan SYT 2022-Q1 21/03/2022.
extend-bad-period = "{ $typed }" không phải là kỳ báo cáo. Ghi như 2022-Q1 (quý) hoặc 2022 (chương trình hành động).
extend-bad-date = "{ $typed }" không phải là ngày. Ghi như 21/03/2022.
extend-not-recipient = { $agency } không phải nộp { $round }.
extend-not-later = Hạn cuối của { $round }, { $period } là { $last_day }; hạn mới phải sau ngày đó.
extend-ask-reason = ⏳ Gia hạn { $round }, { $period } cho { $agency }: hạn cuối { $last_day } → { $new_day }. Gõ lý do gia hạn; gõ /huy để thôi.
extend-reason-empty = Hãy gõ lý do gia hạn; hạn chưa được đổi.
extend-stale = Yêu cầu gia hạn này không còn hợp lệ. Hãy gõ lại lệnh /giahan.
extend-done = ✅ Đã gia hạn { $round }, { $period } cho { $agency } đến { $new_day }. Lý do: { $reason }. Đầu mối của đơn vị đã được báo.
extend-focal = ⏳ { $agency } được gia hạn nộp { $round }, { $period } đến hết { $new_day }. Lý do: { $reason }

## Broadcasts

broadcast-ask = Gõ nội dung thông báo gửi tới tất cả cán bộ đầu mối; gõ /huy để thôi.
broadcast-too-long = Thông báo dài { $length } ký tự, quá giới hạn { $max }. Hãy rút gọn rồi gửi lại.
broadcast-nobody = Chưa có cán bộ đầu mối nào tham gia bot nên chưa gửi được thông báo.
broadcast-preview = 📢 Xem trước thông báo gửi tới { $count } cán bộ đầu mối:

    { $text }

    Bấm "Gửi" để gửi, hoặc /huy để thôi.
broadcast-nothing = Không có thông báo nào đang chờ gửi. Gõ /thongbao để soạn.
broadcast-message = 📢 Thông báo của Sở Kế hoạch và Đầu tư:
    { $text }
button-send-broadcast = 📨 Gửi
cancel-nothing-changed = Đã dừng; không có gì thay đổi.
