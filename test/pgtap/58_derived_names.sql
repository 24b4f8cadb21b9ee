-- The names maskview derives from a view name by a suffix (the Citus row
-- function <view>_rows, the masked copy <view>_copy) keep their suffix and
-- differ from the view's name whatever the view name's length in bytes: a
-- view name of 21 Chinese characters already fills the 63 bytes of a name in
-- UTF-8, and cutting it by characters left the copy with the view's own name.
\ir fixtures/begin.sql

SELECT plan(6);

SELECT is(mask_internal._citus_rows_name('households'), 'households_rows'::name, 'a short name gets its suffix');
SELECT is(mask_internal._citus_copy_default_name(pg_catalog.repeat('h', 63)::name),
          (pg_catalog.repeat('h', 58) || '_copy')::name, 'an ASCII name of 63 bytes is cut to make room');
SELECT is(mask_internal._citus_rows_name(pg_catalog.repeat('户', 21)::name),
          (pg_catalog.repeat('户', 19) || '_rows')::name,
          'a name of 21 three-byte characters is cut by whole characters and keeps _rows');
SELECT isnt(mask_internal._citus_copy_default_name(pg_catalog.repeat('户', 21)::name),
            pg_catalog.repeat('户', 21)::name, 'the copy of such a view is not named like the view');
SELECT ok(pg_catalog.octet_length(mask_internal._citus_copy_default_name(pg_catalog.repeat('户', 21)::name)) <= 63
          AND mask_internal._citus_copy_default_name(pg_catalog.repeat('户', 21)::name)::text LIKE '%\_copy',
          'it fits a name and ends in _copy');
SELECT is(mask_internal._citus_rows_name(pg_catalog.repeat('户', 19) || 'ab'),
          (pg_catalog.repeat('户', 19) || 'a_rows')::name, 'mixed widths: as many whole characters as fit (58 bytes)');

SELECT * FROM finish();
ROLLBACK;
