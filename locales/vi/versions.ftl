# Plans as versioned documents: versions, diffs, several plans followed at once.

plan-version-name = bản { $number } (nhập { $date })
answered-under-versions = Số liệu kỳ này trả lời Kế hoạch { $plan } theo { $versions }: nội dung và chỉ tiêu được trình bày, đánh giá theo bản đó.

cli-plan-unknown = Không có kế hoạch { $code } đang được theo dõi. Các kế hoạch đang theo dõi: { $plans }.

plan-diff-new = Kế hoạch mới { $code }: { $agencies } cơ quan, { $groups } nhóm, { $sections } phần, { $tasks } nhiệm vụ, { $indicators } chỉ tiêu ({ $metrics } chỉ số), { $rounds } kỳ báo cáo, { $holidays } đợt nghỉ lễ.
plan-diff-alongside = Kế hoạch { $code } sẽ được theo dõi cùng: { $others }.
plan-diff-renumber = Tệp sửa đổi Kế hoạch { $old } và đổi số thành { $code }: mọi báo cáo đã gửi theo số cũ được giữ, không ai bị nhắc hai lần.
plan-diff-none = Không có thay đổi: tệp giống bản Kế hoạch { $code } đang theo dõi.
plan-diff-update = Kế hoạch { $code } đang theo dõi ở bản { $version }; nhập tệp này sẽ tạo bản { $next }:
plan-diff-kind-task = Nhiệm vụ ({ $count } thay đổi):
plan-diff-kind-metric = Chỉ số ({ $count } thay đổi):
plan-diff-kind-round = Kỳ báo cáo ({ $count } thay đổi):
plan-diff-added = + { $code }: thêm mới.
plan-diff-removed = − { $code }: bỏ khỏi kế hoạch.
plan-diff-reworded = ~ { $code }: sửa lời.
plan-diff-retargeted = ◎ { $code }: đổi mục tiêu từ { $before } thành { $after }.
plan-diff-moved-said = → { $code }: là { $from } trước đây (tệp ghi replaces).
plan-diff-moved-found = → { $code }: mang nội dung của { $from } trước đây (tệp không ghi replaces).
plan-diff-filed-history = { $count } câu trả lời đã gửi vẫn giữ trong lịch sử.
plan-diff-filed-kept = { $count } câu trả lời đã gửi giữ nội dung và mục tiêu lúc trả lời.
plan-diff-filed-follow = { $count } câu trả lời đã gửi đi theo { $code }.
plan-diff-reports-follow = { $count } báo cáo đã gửi đi theo { $code }.
plan-diff-needs-confirm = ⚠ { $count } câu trả lời đã gửi cho { $from }: cần xác nhận.
plan-diff-duties = Cơ quan được giao thêm hoặc bớt việc:
plan-diff-gained = thêm { $codes }
plan-diff-lost = bớt { $codes }
plan-diff-refused = Nhập tệp này sẽ bị từ chối cho tới khi { $count } mục đổi mã có câu trả lời được ghi replaces trong tệp hoặc xác nhận bằng --confirm.

plan-import-renumbered = Kế hoạch { $old } nay mang số { $code }; mọi báo cáo đã gửi được giữ.
plan-import-renamed = { $old } → { $new }: câu trả lời đã gửi đi theo.
plan-import-version = Đã lưu bản { $number } của kế hoạch; câu trả lời đã gửi giữ bản chúng đã trả lời.
plan-import-moves-refused = Chưa nhập: { $count } mục đã có câu trả lời bị đổi mã mà tệp không ghi. Với mỗi mục, ghi replaces = "mã cũ" vào mục mới trong tệp, hoặc chạy lại với --confirm mã-cũ nếu đúng là cùng một việc:
plan-import-move-line = { $from } → { $code } ({ $count } câu trả lời): --confirm { $from }
plan-import-sibling-refused = Kế hoạch { $other } của { $province } năm { $year } đang được theo dõi. Nếu { $code } sửa đổi hoặc đổi số kế hoạch đó, thêm amends = ["{ $other }"] vào [plan] để không ai bị nhắc hai lần; nếu cần theo dõi cả hai, nhập với --alongside.

plan-stop-done = Đã ngừng theo dõi Kế hoạch { $code }: không nhắc, không hỏi thêm; các báo cáo đã gửi vẫn được giữ. Nhập lại tệp của kế hoạch để theo dõi lại.
plan-stop-last = Không thể ngừng { $code }: đây là kế hoạch duy nhất đang được theo dõi.
