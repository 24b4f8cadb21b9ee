/*-------------------------------------------------------------------------
 *
 * generalize.c
 *	  SQL glue of mask.generalize: a value replaced by the bucket holding it.
 *
 * generalize(numeric, numeric) -> numrange, (bigint, bigint) -> int8range
 * and (date, text) -> daterange.  Buckets are [floor(v / step) * step,
 * + step), so negative values land in the bucket below them, never in the
 * one around zero.  The arithmetic is PostgreSQL's own (numeric functions,
 * date2j), and the ranges are built by make_range so they are canonical.
 *
 * A value with no finite bucket (NaN or an infinite numeric, an infinite
 * date, a numeric bucket whose bounds overflow numeric) gets the unbounded
 * range: that reveals nothing and does not abort a view over many rows.  For bigint, a bucket whose bound lies outside
 * bigint's range is open on that side instead of failing: it still holds
 * every bigint of the bucket.  Only a bad step or unit raises an error.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type_d.h"
#include "common/int.h"
#include "datatype/timestamp.h"
#include "fmgr.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/fmgrprotos.h"
#include "utils/numeric.h"
#include "utils/rangetypes.h"

/* Raises the error for a step that is not a positive finite number. */
static void
raise_bad_step(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("step must be greater than zero"),
			 errhint("Pass the width of the buckets, a positive finite number such as 10 or 1000.")));
}

/*
 * Builds the range [lower, upper) of the function's range type; an
 * infinite flag leaves that side unbounded.
 */
static Datum
bucket_range(FunctionCallInfo fcinfo, Oid rangetype,
			 Datum lower, bool lower_inf, Datum upper, bool upper_inf)
{
	/* Cached in fn_extra: no type lookup per row. */
	TypeCacheEntry *typcache = range_get_typcache(fcinfo, rangetype);
	RangeBound	lb;
	RangeBound	ub;

	lb.val = lower;
	lb.infinite = lower_inf;
	lb.inclusive = !lower_inf;
	lb.lower = true;
	ub.val = upper;
	ub.infinite = upper_inf;
	ub.inclusive = false;
	ub.lower = false;
	PG_RETURN_RANGE_P(make_range(typcache, &lb, &ub, false));
}

/* -1, 0 or 1 as n is below, equal to or above zero (n is not NaN). */
static inline int
cmp_with_zero(Numeric n)
{
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(n),
											 NumericGetDatum(int64_to_numeric(0))));
}

/*
 * mask.generalize(value numeric, step numeric) -> numrange: [floor(value /
 * step) * step, + step); NaN and infinite values give (,).
 */
PG_FUNCTION_INFO_V1(mv_sql_generalize_numeric);
Datum
mv_sql_generalize_numeric(PG_FUNCTION_ARGS)
{
	Numeric		value = PG_GETARG_NUMERIC(0);
	Numeric		step = PG_GETARG_NUMERIC(1);
	Numeric		rem;
	Numeric		lower = NULL;
	Numeric		upper = NULL;
	bool		overflow = false;

	if (numeric_is_nan(step) || numeric_is_inf(step) ||
		cmp_with_zero(step) <= 0)
		raise_bad_step();
	if (numeric_is_nan(value) || numeric_is_inf(value))
		return bucket_range(fcinfo, NUMRANGEOID, 0, true, 0, true);

	/*
	 * lower = value - mod(value, step), as trunc(value / step) * step but
	 * without the quotient, which can exceed numeric's range when the step
	 * is tiny (1e131071 with step 1e-16383).  A bucket whose bounds numeric
	 * cannot hold is unbounded, like NaN: masks never raise on a value.
	 */
	rem = numeric_mod_opt_error(value, step, &overflow);
	if (!overflow)
		lower = numeric_sub_opt_error(value, rem, &overflow);
	/* mod() truncates toward zero; step back one bucket below zero. */
	if (!overflow &&
		cmp_with_zero(rem) < 0)
		lower = numeric_sub_opt_error(lower, step, &overflow);
	if (!overflow)
	{
		/* exact: lower is a multiple of step; written at step's scale */
		lower = DatumGetNumeric(DirectFunctionCall2(numeric_round,
													NumericGetDatum(lower),
													DirectFunctionCall1(numeric_scale,
																		NumericGetDatum(step))));
		upper = numeric_add_opt_error(lower, step, &overflow);
	}
	if (overflow)
		return bucket_range(fcinfo, NUMRANGEOID, 0, true, 0, true);
	return bucket_range(fcinfo, NUMRANGEOID, NumericGetDatum(lower), false,
						NumericGetDatum(upper), false);
}

/*
 * mask.generalize(value bigint, step bigint) -> int8range: [floor(value /
 * step) * step, + step), open on a side whose bound is not a bigint.
 */
PG_FUNCTION_INFO_V1(mv_sql_generalize_bigint);
Datum
mv_sql_generalize_bigint(PG_FUNCTION_ARGS)
{
	int64		value = PG_GETARG_INT64(0);
	int64		step = PG_GETARG_INT64(1);
	int64		q;
	int64		lower;
	int64		upper;
	bool		lower_inf;
	bool		upper_inf;

	if (step <= 0)
		raise_bad_step();

	/* C division truncates toward zero: floor for negative remainders. */
	q = value / step;
	if (value % step != 0 && value < 0)
		q--;

	lower_inf = pg_mul_s64_overflow(q, step, &lower);
	if (!lower_inf)
		upper_inf = pg_add_s64_overflow(lower, step, &upper);
	else
	{
		/* q * step < INT64_MIN <= value, so q + 1 cannot overflow. */
		upper_inf = pg_mul_s64_overflow(q + 1, step, &upper);
	}
	return bucket_range(fcinfo, INT8RANGEOID,
						Int64GetDatum(lower), lower_inf,
						Int64GetDatum(upper), upper_inf);
}

/* The units of generalize(date, text). */
typedef enum date_unit
{
	UNIT_YEAR,
	UNIT_QUARTER,
	UNIT_MONTH,
	UNIT_WEEK
} date_unit;

/* Parses a unit name (case-insensitive), raising for anything else. */
static date_unit
parse_unit(const text *unit)
{
	static const struct
	{
		const char *name;
		date_unit	unit;
	}			units[] = {
		{"year", UNIT_YEAR},
		{"quarter", UNIT_QUARTER},
		{"month", UNIT_MONTH},
		{"week", UNIT_WEEK},
	};
	const char *s = VARDATA_ANY(unit);
	size_t		len = VARSIZE_ANY_EXHDR(unit);
	size_t		i;

	for (i = 0; i < lengthof(units); i++)
		if (strlen(units[i].name) == len &&
			pg_strncasecmp(s, units[i].name, len) == 0)
			return units[i].unit;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid value for parameter \"unit\""),
			 errhint("Use 'year', 'quarter', 'month' or 'week' (ISO weeks, starting on Monday).")));
	pg_unreachable();
}

/* Converts a Julian day to a range bound, unbounded if not a valid date. */
static Datum
julian_bound(int julian, bool *infinite)
{
	DateADT		d = julian - POSTGRES_EPOCH_JDATE;

	*infinite = !IS_VALID_DATE(d);
	return DateADTGetDatum(d);
}

/*
 * mask.generalize(value date, unit text) -> daterange: the year, quarter,
 * month or ISO week (Monday to Sunday) holding value; infinite dates give
 * (,).
 */
PG_FUNCTION_INFO_V1(mv_sql_generalize_date);
Datum
mv_sql_generalize_date(PG_FUNCTION_ARGS)
{
	DateADT		value = PG_GETARG_DATEADT(0);
	date_unit	unit = parse_unit(PG_GETARG_TEXT_PP(1));
	int			julian;
	int			year;
	int			month;
	int			day;
	int			start;
	int			end;
	bool		lower_inf;
	bool		upper_inf;
	Datum		lower;
	Datum		upper;

	if (DATE_NOT_FINITE(value))
		return bucket_range(fcinfo, DATERANGEOID, 0, true, 0, true);

	julian = value + POSTGRES_EPOCH_JDATE;
	j2date(julian, &year, &month, &day);
	switch (unit)
	{
		case UNIT_YEAR:
			start = date2j(year, 1, 1);
			end = date2j(year + 1, 1, 1);
			break;
		case UNIT_QUARTER:
			month = (month - 1) / 3 * 3 + 1;
			start = date2j(year, month, 1);
			end = month == 10 ? date2j(year + 1, 1, 1) : date2j(year, month + 3, 1);
			break;
		case UNIT_MONTH:
			start = date2j(year, month, 1);
			end = month == 12 ? date2j(year + 1, 1, 1) : date2j(year, month + 1, 1);
			break;
		case UNIT_WEEK:
		default:
			/* j2day() is 0 for Sunday; ISO weeks start on Monday. */
			start = julian - (j2day(julian) + 6) % 7;
			end = start + 7;
			break;
	}
	lower = julian_bound(start, &lower_inf);
	upper = julian_bound(end, &upper_inf);
	return bucket_range(fcinfo, DATERANGEOID, lower, lower_inf, upper, upper_inf);
}
