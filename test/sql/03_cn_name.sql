-- mask.cn_name: every example of doc/masking-rules.md, then NULLs and options.
SET client_encoding = 'UTF8';

SELECT v AS value, mask.cn_name(v) AS masked
FROM (VALUES (1, '张三'), (2, '张三丰'), (3, '欧阳娜娜'), (4, '欧阳'), (5, '司马光'),
             (6, '张'), (7, '阿依古丽·买买提'), (8, 'John Smith')) AS t(n, v)
ORDER BY n;

SELECT mask.cn_name('张三丰', keep => 'last') AS "**丰",
       mask.cn_name('张三', pad => 2) AS "张**",
       mask.cn_name('诸葛孔明', pad => 1) AS "诸葛*",
       mask.cn_name('  张三  ') AS "张* (trimmed)",
       mask.cn_name('张三', '●') AS bullet;

-- NULL value gives NULL; NULL options take their default meaning.
SELECT mask.cn_name(NULL) IS NULL AS null_value,
       mask.cn_name('张三丰', NULL, NULL, NULL) AS all_defaults,
       mask.cn_name('张三丰', '*', 'surname', NULL) AS explicit_defaults,
       mask.cn_name('') = '' AS empty;
