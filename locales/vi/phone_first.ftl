# Phone-first (issue 11) and the chat side of issue 10: a report in few taps, short messages to
# leaders and admins, names family name first, narratives, item-by-item review.

## Opening a report

report-open-overdue = ⚠️ Báo cáo này đã quá hạn { $days } ngày (hạn cuối { $last_day }).
report-open-done = ✅ { $round }, { $period }: { $state }.
button-other-round = ↪ { $round }, { $period }
other-round-overdue = ⚠️ quá hạn { $days } ngày
report-all-filled = Đã nhập đủ các mục. Bấm "Xem lại và gửi" khi sẵn sàng.
report-returned-items = ↩️ Báo cáo bị trả lại, cần sửa các mục sau:
report-fix-line = { $mark } { $item }: "{ $comment }"

## One item after another

item-screen-heading = 📋 { $round }, { $period } · đã nhập { $filled }/{ $total }
item-saved-value = ✅ Đã lưu { $code }: { $value }
item-kept = ✅ { $code } giữ như kỳ trước: { $value }
item-previous = Kỳ trước ({ $period }): { $value }
item-fix-asked = ❗ Sở Kế hoạch và Đầu tư yêu cầu sửa: "{ $comment }"
item-note-current = Ghi chú hiện có: { $note }
item-note-saved = ✅ Đã lưu ghi chú cho { $code }.
button-add-note = 📝 Ghi chú cho { $code }
button-status-done = ✅ Hoàn thành
button-status-not-started = ⏸ Chưa triển khai
button-status-blocked = ⚠️ Có vướng mắc
button-in-progress-percent = 🔄 { $percent }%
button-in-progress-other = 🔄 %…
button-percent-unknown = Chưa rõ %
task-ask-blocked-note = ⚠️ { $code }: vướng mắc là gì? Gõ nội dung (bắt buộc, tối đa { $max } ký tự); chưa lưu gì cho đến khi bạn gõ.
value-meaning-cumulative = số lũy kế từ đầu năm đến hết { $period }
value-meaning-flow = số phát sinh riêng trong { $period }
value-meaning-level = số tại thời điểm cuối { $period }
value-ask = Gõ { $meaning } ({ $unit }), ví dụ { $example }.
doubt-whole-year = Giá trị này đã bằng { $percent }% chỉ tiêu cả năm, mới đến hết { $period }: có phải là số cả năm hoặc số kế hoạch?
doubt-ahead-of-pace = Giá trị này bằng { $percent }% chỉ tiêu năm, trong khi đến hết { $period } mới cần khoảng { $expected }%.
doubt-behind-pace = Giá trị này chỉ bằng { $percent }% chỉ tiêu năm, trong khi đến hết { $period } cần khoảng { $expected }%.
doubt-below-previous = Số lũy kế này thấp hơn số đã báo cáo kỳ trước ({ $previous } { $unit }), trong khi số lũy kế chỉ tăng dần trong năm.
no-change-cumulative = Chỉ số này là số lũy kế, tăng dần qua từng kỳ, nên không giữ nguyên số kỳ trước được. Hãy gõ số mới.

## All the rest unchanged

keep-all-preview = ↺ Kỳ trước ({ $period }) có { $count } mục còn trống ở đây có thể giữ nguyên:
keep-all-line = • { $code }: { $value }
keep-all-more = … và { $count } mục khác.
button-keep-all = ↺ Giữ nguyên { $count } mục như trên
keep-all-done = ✅ Đã giữ nguyên { $count } mục như kỳ trước.
keep-all-skipped = { $count } mục đồng nghiệp vừa nhập nên được giữ như họ nhập.

## The report's narrative

button-narrative = 🗒 Nhận định của đơn vị ({ $filled }/4)
narrative-title = 🗒 Nhận định của đơn vị, { $period } (không bắt buộc):
narrative-prefilled = (Điền sẵn từ { $period }: sửa phần nào đã khác.)
narrative-line = • { $part }: { $text }
narrative-empty = (trống)
narrative-hint = Bấm một phần để gõ nội dung mới.
narrative-part-results = Kết quả đạt được
narrative-part-shortcomings = Tồn tại, hạn chế
narrative-part-causes = Nguyên nhân
narrative-part-proposals = Kiến nghị, đề xuất
button-narrative-results = ✏️ Kết quả
button-narrative-shortcomings = ✏️ Tồn tại
button-narrative-causes = ✏️ Nguyên nhân
button-narrative-proposals = ✏️ Kiến nghị
narrative-part-ask = Gõ phần "{ $part }" (tối đa { $max } ký tự).
narrative-current = Hiện có: { $text }
button-clear-part = 🗑 Xóa phần này
narrative-saved = ✅ Đã lưu phần "{ $part }".
narrative-cleared = ✅ Đã xóa phần "{ $part }".
narrative-changed-meanwhile = ⚠️ { $by } vừa sửa nhận định này nên nội dung của bạn chưa được lưu để không ghi đè. Xem lại rồi gõ lại nếu cần.
narrative-read-heading = 🗒 Nhận định của đơn vị:
help-narrative-part = Gõ nội dung phần nhận định, hoặc gõ /huy để thôi.
help-blocked-note = Gõ vướng mắc của nhiệm vụ; trạng thái "Có vướng mắc" chỉ được lưu cùng nội dung này.

## Names

join-ask-name = Bot sẽ ghi tên bạn là "{ $name }" trong các báo cáo. Nếu chưa đúng, gõ họ và tên đầy đủ (họ trước, tên sau, ví dụ Trần Thị Lan); đổi sau bằng /ten.
button-keep-name = ✅ Đúng: { $name }
name-ask = Tên bạn hiện là "{ $name }". Gõ họ và tên đầy đủ (họ trước, tên sau, ví dụ Trần Thị Lan).
name-bad = Hãy gõ họ và tên (tối đa 64 ký tự), ví dụ Trần Thị Lan.
name-saved = ✅ Bot sẽ ghi tên bạn là "{ $name }".
menu-name = Đổi tên hiển thị của bạn
help-ask-name = Gõ họ và tên đầy đủ của bạn, họ trước tên sau.
button-old = Nút này đã cũ; không có gì thay đổi.

## Item-by-item review

review-focal-returned-items = ↩️ { $round }, { $period } của { $agency } bị Sở Kế hoạch và Đầu tư trả lại, cần sửa:
review-returned-items-done = ↩️ Đã trả lại { $round }, { $period } cho { $agency }, cần sửa:
review-fix-line = • { $item }: "{ $comment }"
button-return-marked = ↩️ Trả lại với { $count } mục cần sửa
review-ask-fix-comment = Gõ ý kiến cho mục { $item } (cần sửa gì, tối đa { $max } ký tự).
help-return-item = Gõ ý kiến cho mục cần sửa; gõ /huy để thôi.
history-returned-this-item = • { $at } — { $person }: trả lại, yêu cầu sửa mục này ({ $count } mục): "{ $comment }"
history-returned-other-items = • { $at } — { $person }: trả lại, yêu cầu sửa mục khác: { $items }

## Short messages to leaders and admins

names-and-more = { $names } và { $count } đơn vị khác
notice-unreachable-none = • { $count } đơn vị chưa có đầu mối tham gia bot (gửi link mời bằng /moi): { $agencies }
notice-unreachable-blocked = • { $count } đơn vị có mọi đầu mối đã chặn bot (hãy gọi điện): { $agencies }
notice-escalated-name = { $agency } ({ $days } ngày)
button-full-list = 📋 Danh sách đủ { $count } đơn vị
digest-escalated-count = ⚠️ { $count } đơn vị quá hạn nhiều ngày.
button-missing-list = 📋 Chưa nộp { $period } ({ $count })
overdue-counts = ✅ nhắc được { $reachable } · ⛔ đầu mối chặn bot { $blocked } · ⚠️ chưa có đầu mối { $nobody }
overdue-no-focal-hint-leader = ⚠️ Đơn vị chưa có đầu mối: bộ phận quản trị sẽ gửi link mời; có thể gọi điện cho đơn vị.
unreachable-line = • { $agency } — { $focal }
list-missing-heading = 📋 Chưa nộp { $round }, { $period }: { $count } đơn vị (trang { $page }/{ $pages })
list-unreachable-heading = ☎️ Không nhắc được về { $round }, { $period }: { $count } đơn vị (trang { $page }/{ $pages })
agency-tasks = Nhiệm vụ ({ $total }): ✅ xong { $done } · 🔄 đang làm { $in_progress } · ⚠️ vướng { $blocked } · ⏸ chưa triển khai { $not_started } · ⬜ chưa báo cáo { $missing }
agency-blocked-line = ⚠️ { $item }: { $note }
agency-more-items = … và { $count } chỉ số khác: bấm "Xem báo cáo".
agency-year-round = • { $round }: { $periods }
agency-year-legend = (✅ đúng hạn · ⏰ trễ, số ngày · ❌ chưa nộp · ⏳ chưa đến hạn)
indicator-who-again = { $person } · { $at }
indicator-no-value-again = Chưa có số liệu đã nộp.
agency-year-extended-to = (gia hạn đến { $last_day })
people-page = Trang { $page }/{ $pages }:
