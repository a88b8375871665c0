problem-unknown-field = bảng này không có trường "{ $name }"; các trường của nó là: { $allowed }
problem-both-set = chỉ ghi { $first } hoặc { $second }, không ghi cả hai
problem-missing-one-of = cần ghi { $first } hoặc { $second }
problem-date-outside-years = ngày { $value } không thuộc năm { $year } của kế hoạch, cũng không thuộc năm { $next }
problem-not-a-weekend = { $value } không phải thứ Bảy hay Chủ nhật; chỉ ghi ngày nghỉ cuối tuần phải đi làm bù
problem-unknown-ref = kế hoạch không có mục nào mang số hay mã "{ $value }" ở đây
problem-combine-needed = chỉ số này do nhiều cơ quan báo cáo; cần ghi cách cộng gộp số liệu: combine = "each", "sum" hoặc "lead"
problem-lead-is-group = "{ $code }" là một nhóm; cơ quan báo cáo số tổng phải đứng đầu danh sách
problem-target-not-in-wording = chỉ tiêu { $target } không có trong các con số của chính câu chữ của nó ({ $found }); kiểm tra lại số nào đúng
plan-warnings-header = Tệp kế hoạch có { $count } cảnh báo (tệp vẫn được nhận):
plan-warning-line = - { $place }: { $message }
export-several-rounds = Có nhiều kỳ báo cáo cùng kỳ { $period }: { $rounds }. Chọn một kỳ bằng --round MÃ.
export-round-not-in-period = Kỳ báo cáo { $round } không có kỳ { $period }.
problem-only-with = { $field } chỉ có nghĩa khi có { $with }; bỏ trường này hoặc sửa thiết lập kia
problem-bad-period = "{ $value }" không phải là một kỳ của năm { $year } (ví dụ viết { $year }-Q1, { $year }-H1, { $year }-06 hoặc { $year })
plan-kind-indicator-groups = Nhóm chỉ tiêu
plan-kind-working-days = Ngày làm bù
