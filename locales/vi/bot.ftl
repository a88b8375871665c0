## Joining, help, language

join-how = Bạn chưa tham gia bot này. Hãy xin cán bộ quản trị (Sở Kế hoạch và Đầu tư) một đường link mời, rồi bấm vào link đó.
join-unknown = Mã mời này không đúng. Hãy bấm lại đúng đường link được gửi cho bạn, hoặc xin một link mới.
join-used = Mã mời này đã được dùng. Mỗi link chỉ dùng được một lần; hãy xin một link mới.
join-expired = Mã mời này đã hết hạn. Hãy xin cán bộ quản trị một link mới.
join-welcome-focal = Chào { $name }! Bạn là cán bộ đầu mối của { $agency } trong Kế hoạch { $plan }. Gõ /baocao để báo cáo tiến độ; bot sẽ nhắc bạn trước mỗi hạn báo cáo.
join-welcome-leader = Chào { $name }! Bạn có thể theo dõi Kế hoạch { $plan }: /tinhhinh xem tình hình chung, /chitieu xem một chỉ tiêu, /donvi xem một đơn vị, /quahan xem đơn vị quá hạn, /xuat tải báo cáo tổng hợp (Excel, Word).
join-welcome-admin = Chào { $name }! Bạn là quản trị của Kế hoạch { $plan }: /moi tạo link mời, /nguoidung xem danh sách, /tinhhinh xem tình hình, /xuat xuất báo cáo tổng hợp.
help = { $step }

    Các lệnh:
    { $commands }
help-idle = Gõ một lệnh bên dưới để bắt đầu.
help-choose-round = Đang có nhiều kỳ báo cáo mở. Bấm vào kỳ bạn muốn báo cáo.
help-report = Bấm vào một mục để nhập. Gửi tệp (PDF, Word, ảnh) bất kỳ lúc nào để đính kèm. Bấm "Xem lại và gửi" khi xong.
help-task-status = Bấm một trong các nút trạng thái của nhiệm vụ.
help-task-percent = Bấm một nút phần trăm, hoặc gõ một số từ 0 đến 100, ví dụ 60.
help-note = Gõ ghi chú ngắn, hoặc bấm "« Danh sách" để thôi.
help-metric-value = Gõ giá trị theo cách viết Việt Nam: dấu chấm ngăn hàng nghìn, dấu phẩy cho phần thập phân, ví dụ 1.234,5.
help-confirm-value = Bấm "Đúng, lưu" nếu giá trị đúng, hoặc gõ lại giá trị khác.
help-narrative = Gõ tình hình thực hiện chỉ tiêu trong kỳ này.
help-review = Kiểm tra báo cáo rồi bấm "Gửi báo cáo".
help-return-comment = Gõ lý do trả lại báo cáo; đơn vị sẽ nhận được ý kiến này.
help-extension-reason = Gõ lý do gia hạn.
help-broadcast = Gõ nội dung thông báo gửi tới tất cả cán bộ đầu mối.
cancel-idle = Không có việc gì đang dở.
cancel-report = Đã dừng. Những gì bạn đã lưu vẫn còn nguyên; gõ /baocao để làm tiếp.
language-set = Đã chuyển sang tiếng Việt.
language-usage = Gõ /ngonngu vi cho tiếng Việt hoặc /ngonngu en cho tiếng Anh.
unknown-command = Bot không có lệnh /{ $command }. Gõ /trogiup để xem các lệnh.
private-only = Vui lòng nhắn riêng cho bot: https://t.me/{ $bot }
edited-ignored = Bot không xử lý tin nhắn đã sửa. Hãy gửi lại nội dung dưới dạng tin nhắn mới.
unsupported-message = Bot chỉ đọc chữ, số, tệp và ảnh. { $step }
use-buttons = Hãy chọn bằng các nút ở tin nhắn bên trên.
idle-focal = Gõ /baocao để báo cáo tiến độ.
idle-reader = Gõ /trogiup để xem các lệnh.
only-focal = Lệnh này dành cho cán bộ đầu mối của các đơn vị.
only-leader = Lệnh này dành cho lãnh đạo và cán bộ quản trị.
only-admin = Lệnh này dành cho cán bộ quản trị.
error-try-again = Xin lỗi, bot gặp lỗi khi xử lý. Những gì bạn đã lưu trước đó không bị mất; hãy thử lại sau ít phút.
error-disk-full = Máy chủ đã hết chỗ lưu nên chưa lưu được. Những gì đã lưu trước đó không bị mất; cán bộ quản trị đã được báo, hãy thử lại sau.
restart = Bot vừa được cập nhật nên phải mở lại báo cáo. Những gì bạn đã lưu vẫn còn nguyên.
button-stale = Nút này đã cũ. Đây là báo cáo hiện tại:

## Menus

menu-start = Bắt đầu, tham gia bằng mã mời
menu-help = Hướng dẫn và các lệnh
menu-cancel = Dừng bước đang làm
menu-language = Đổi ngôn ngữ (Tiếng Việt/English)
menu-report = Báo cáo tiến độ của đơn vị
menu-status = Tình hình chung kỳ hiện tại
menu-indicator = Một chỉ tiêu so với kế hoạch
menu-agency = Báo cáo của một đơn vị
menu-overdue = Đơn vị quá hạn báo cáo
menu-export = Xuất báo cáo tổng hợp (Excel)
menu-invite = Tạo link mời
menu-people = Danh sách người dùng
menu-remove = Xóa một người dùng
menu-extend = Gia hạn cho một đơn vị
menu-broadcast = Gửi thông báo tới các đầu mối
menu-history = Lịch sử một mục báo cáo
role-focal = cán bộ đầu mối
role-leader = lãnh đạo
role-admin = quản trị

## Invites and people

invite-usage = Cách dùng: /moi <MÃ ĐƠN VỊ> [thời hạn], ví dụ /moi SYT 7d cho đầu mối Sở Y tế; /moi lanhdao cho lãnh đạo; /moi quantri cho quản trị.
invite-unknown-word = Không hiểu "{ $word }". { invite-usage }
invite-made = Link mời { $who }, dùng một lần, hết hạn lúc { $expires }:
    { $link }
people-header = Người dùng ({ $count }):
people-line = #{ $id } { $name } — { $role }, { $agency }
people-none = Chưa có ai tham gia.
people-remove-button = Xóa { $name }
people-ask-remove = Xóa { $name } khỏi bot? Người này sẽ không còn quyền gì.
people-confirm-remove = Xác nhận xóa
people-removed = Đã xóa { $name }.
people-not-found = Không tìm thấy người dùng này.
people-not-yourself = Bạn không thể tự xóa mình.
remove-usage = Cách dùng: /xoa <số>, số lấy từ /nguoidung, ví dụ /xoa 12.
agency-not-found = Không có đơn vị nào khớp với "{ $query }". Gõ mã (ví dụ SYT) hoặc vài chữ trong tên đơn vị.

## The report

report-none-open = Hiện không có kỳ báo cáo nào đang mở.
report-none-open-next = Hiện không có kỳ báo cáo nào đang mở. Kỳ tới: { $round }, { $period }, mở từ { $opens }.
report-closed = Kỳ báo cáo này đã đóng. Gõ /baocao để xem các kỳ đang mở.
report-forbidden = Bạn không có quyền với báo cáo này. Gõ /baocao để mở báo cáo của đơn vị bạn.
report-heading = 📋 { $round }, { $period }
    { $agency }
    Hạn cuối: { $last_day }
report-progress = Đã nhập { $filled }/{ $total } mục, { $files } tệp đính kèm.
report-progress-document = Tệp đính kèm: { $files }.
report-hint = Bấm vào một mục để nhập. Gửi tệp bất kỳ lúc nào để đính kèm.
report-hint-document = Gửi tệp văn bản (PDF, Word) vào đây để đính kèm, rồi bấm "Xem lại và gửi".
report-submitted-at = ✅ Đã gửi lúc { $at }. Bạn vẫn mở lại để sửa được cho đến khi Sở Kế hoạch và Đầu tư chấp nhận.
report-accepted-at = 🔒 Đã được chấp nhận lúc { $at }; báo cáo không sửa được nữa.
report-returned = ↩️ Báo cáo bị trả lại: "{ $comment }". Hãy sửa rồi gửi lại.
button-previous = ◀ Trước
button-next = Sau ▶
button-attach = 📎 Đính kèm tệp
button-review = 📝 Xem lại và gửi
button-back = « Danh sách
button-no-change = ↺ Không thay đổi
button-wording = 📖 Toàn văn
button-skip = Bỏ qua
button-confirm-value = ✅ Đúng, lưu
button-retype = ✏️ Gõ lại
button-submit = 📨 Gửi báo cáo
button-reopen = ✏️ Mở lại để sửa
button-view = 📄 Xem báo cáo
button-accept = ✅ Chấp nhận
button-return = ↩️ Trả lại
status-not-started = Chưa triển khai
status-in-progress = Đang thực hiện
status-done = Hoàn thành
status-blocked = Có vướng mắc
task-heading = Nhiệm vụ { $code }: { $text }
task-ask-status = Chọn trạng thái (🔄: đang thực hiện, đã xong bao nhiêu %):
task-ask-percent = { $code }: { $status }. Đã hoàn thành bao nhiêu phần trăm? Bấm nút hoặc gõ một số từ 0 đến 100.
task-bad-percent = "{ $typed }" không phải là phần trăm. Gõ một số từ 0 đến 100, ví dụ 60.
task-wording = Nhiệm vụ { $code } ({ $agencies }):
    { $text }
item-current = Đã nhập: { $value }
item-ask-note = Gõ ghi chú cho { $code } (tối đa { $max } ký tự).
note-too-long = Nội dung dài { $length } ký tự, quá giới hạn { $max }. Hãy rút gọn rồi gửi lại.
no-change-nothing = Chưa có báo cáo kỳ trước cho mục này, nên chưa giữ nguyên được. Hãy nhập mới.
metric-heading = Chỉ số { $code }: { $name }
    Chỉ tiêu năm: { $direction } { $target } { $unit } ("{ $wording }")
metric-previous = Kỳ trước (đã được chấp nhận): { $value } { $unit }
narrative-heading = Chỉ tiêu ({ $number }) { $name }:
    "{ $text }"
narrative-ask = Gõ tình hình thực hiện trong kỳ (tối đa { $max } ký tự).
value-ambiguous = "{ $typed }" có thể là { $first } hoặc { $second }. Bot không đoán: hãy gõ lại, dùng dấu phẩy cho phần thập phân ({ $first }) và dấu chấm ngăn hàng nghìn.
value-malformed-suggest = Không đọc được "{ $typed }". Có phải ý bạn là { $suggestion }? Hãy gõ lại theo cách viết Việt Nam, ví dụ { $suggestion }.
value-too-long = Giá trị dài quá { $max } ký tự. Chỉ gõ con số, ví dụ 1.234,5.
value-unreadable = Cần một con số, ví dụ { $example } (dấu chấm ngăn hàng nghìn, dấu phẩy thập phân).
value-wrong-unit = Đơn vị của chỉ số này là "{ $unit }", không phải "{ $typed }". Hãy gõ lại con số theo đơn vị { $unit }.
doubt-ask = Bạn vừa nhập { $value }. { $why } Giá trị này có đúng không?
doubt-large-change = Giá trị này thay đổi { $change }% so với kỳ trước ({ $previous }).
doubt-far-from-target = Giá trị này bằng { $percent }% chỉ tiêu năm ({ $target }), rất khác thường.
doubt-out-of-bounds = Giá trị này nằm ngoài khoảng hợp lý của đơn vị { $unit }.
attach-how = Gửi tệp (PDF, Word, Excel) hoặc ảnh vào cuộc trò chuyện này; bot sẽ đính kèm vào báo cáo.
attach-no-report = Tệp chưa được đính kèm vì chưa mở báo cáo. Gõ /baocao, rồi gửi lại tệp.
attach-done = 📎 Đã đính kèm "{ $name }" ({ $size }) vào báo cáo.
attach-already = Tệp "{ $name }" ({ $size }) đã được đính kèm trước đó.
attachment-photo = ảnh
review-missing = Còn { $count } mục chưa nhập. Bạn vẫn gửi được, hoặc quay lại để nhập thêm.
review-complete = Đã nhập đủ các mục.
review-needs-file = Báo cáo này cần ít nhất một tệp đính kèm. Hãy gửi tệp trước khi gửi báo cáo.
review-nothing = Chưa có mục nào được nhập, nên chưa gửi được. Bấm vào một mục để nhập.
submit-done = ✅ Đã gửi { $round }, { $period } lúc { $at }. Sở Kế hoạch và Đầu tư sẽ xem xét; bạn sẽ được báo kết quả.
admin-report-submitted = 📥 { $agency } đã gửi { $round }, { $period }: { $filled }/{ $total } mục, { $files } tệp.
