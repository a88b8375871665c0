# Plans as versioned documents: versions, diffs, several plans followed at once.

plan-version-name = bản { $number } (nhập { $date })
answered-under-versions = Số liệu kỳ này trả lời Kế hoạch { $plan } theo { $versions }: nội dung và chỉ tiêu được trình bày, đánh giá theo bản đó.
