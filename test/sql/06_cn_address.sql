-- mask.cn_address: every example of doc/masking-rules.md, then pad and levels.
SET client_encoding = 'UTF8';

SELECT level, mask.cn_address('安徽省芜湖市镜湖区世贸滨江花园小区3栋2单元1203室', level) AS masked
FROM (VALUES (1, 'district'), (2, 'community'), (3, 'unit'), (4, 'city')) AS t(n, level)
ORDER BY n;

SELECT mask.cn_address('安徽省芜湖市镜湖区世贸滨江花园小区3栋2单元1203室') AS default_district,
       mask.cn_address('北京市海淀区马连洼街道289号') AS "北京市海淀区****",
       mask.cn_address('某地张家大院') AS "****";

-- pad fixes the length of the masked rest; other mask chars.
SELECT mask.cn_address('安徽省芜湖市镜湖区世贸滨江花园小区3栋2单元1203室', 'district', '*', 2) AS pad_2,
       mask.cn_address('安徽省芜湖市镜湖区世贸滨江花园小区3栋2单元1203室', 'city', '＊') AS fullwidth,
       mask.cn_address('', 'district') = '' AS empty,
       mask.cn_address(NULL) IS NULL AS strict_null;
