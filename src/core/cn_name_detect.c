/*-------------------------------------------------------------------------
 *
 * cn_name_detect.c
 *	  mask.detect()'s reading of Chinese personal names (mv_cn_name_detect).
 *
 * detect() suggests cn_name for a column whose values look like names; it
 * asks this through a small C function, with the grapheme classes of
 * cn_name.h and the surname lists of cn_surnames.c, so the suggestion and
 * the mask read a name the same way.
 *
 *-------------------------------------------------------------------------
 */
#include "cn_name.h"

/*
 * Whether value has the shape mask.detect() counts as a Chinese personal
 * name, read with the same grapheme classes as the mask: after trimming, 2
 * to 4 Han graphemes of which the first is a common surname or the first two
 * a compound one (cn_surnames.c), or 2 to 4 runs of 1 to 8 Han graphemes
 * joined by middle dots (阿依古丽·买买提, the form of transliterated names).
 */
mv_status
mv_cn_name_detect(mv_str value, bool *is_name)
{
	mv_graphemes g;
	mv_graphemes name_g;
	uint32_t	first_two[2] = {0, 0};
	size_t		parts = 1;
	size_t		part_len = 0;
	bool		shaped = true;
	mv_status	st;

	*is_name = false;
	/* A name holds at least one non-ASCII character: skip the rest cheaply. */
	if (mv_ascii_prefix(value.ptr, value.len) == value.len)
		return MV_OK;
	if (!mv_utf8_valid(value.ptr, value.len))
		return MV_ERR_BAD_UTF8;
	st = split_trimmed(value, &g, &name_g);
	if (st != MV_OK)
	{
		mv_graphemes_free(&g);
		return st;
	}
	for (size_t i = 0; i < name_g.count && shaped; i++)
	{
		uint32_t	cp;
		name_class	c = classify_grapheme(value, name_g.offs[i],
										  name_g.offs[i + 1], &cp);

		if (i < 2)
			first_two[i] = cp;
		if (c == NC_HAN)
			shaped = ++part_len <= 8;
		else if (c == NC_DOT)
		{
			shaped = part_len > 0;
			parts++;
			part_len = 0;
		}
		else
			shaped = false;
	}
	if (shaped && part_len > 0)
	{
		if (parts == 1)
			*is_name = name_g.count >= 2 && name_g.count <= 4 &&
				(mv_is_common_surname(first_two[0]) ||
				 mv_is_compound_surname(first_two[0], first_two[1]));
		else
			*is_name = parts <= 4;
	}
	mv_graphemes_free(&g);
	return MV_OK;
}
