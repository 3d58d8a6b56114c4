/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The command subset of <linux/vgpu_if.h> (docs/interface.md, section 7)
 * as one list, shared by the command parser (cmdparser/) and the reference
 * GPU's executor (drivers/gpu/refgpu/exec/): each command is one row of
 * vgpu/cmd_subset_rows.h that states each fact about it once, and both
 * sides build their tables from the rows. They therefore agree on which
 * commands exist, how a header selects one, the engines that run it and
 * its length bounds.
 *
 * This header gives what the rows are written with (engine sets, match
 * masks, length rules), the accessors that read a fact from a row, stated
 * or derived, and the command ids. To expand the rows, define VGPU_CMD()
 * and include the rows file, which undefines it again:
 *
 *	static const u16 longest[VGPU_CMD_ID_COUNT] = {
 *	#define VGPU_CMD(...)						\
 *		[VGPU_CMD_ROW_ID(__VA_ARGS__)] = VGPU_CMD_ROW_LEN_MAX(__VA_ARGS__),
 *	#include "vgpu/cmd_subset_rows.h"
 *	};
 *
 * The accessors take the whole row (__VA_ARGS__) and use each of its
 * columns once, so an expansion derives several values from one fact
 * without naming a macro argument twice (which checkpatch flags).
 */
#ifndef _VGPU_CMD_SUBSET_H
#define _VGPU_CMD_SUBSET_H

#include "vgpu/portable.h"
#include <linux/vgpu_if.h>

/* The engines column: VGPU_ENGINE_MASK() bits. */
#define VGPU_CMD_ON_RENDER	VGPU_ENGINE_MASK(VGPU_ENGINE_RENDER)
#define VGPU_CMD_ON_COPY	VGPU_ENGINE_MASK(VGPU_ENGINE_COPY)
#define VGPU_CMD_ON_ALL		(VGPU_ENGINE_MASK(VGPU_ENGINE_COUNT) - 1)

/* The match column: the header bits that identify a command of a client. */
#define VGPU_CMD_MATCH_MI	(VGPU_CMD_CLIENT_MASK | VGPU_CMD_MI_OPCODE_MASK)
#define VGPU_CMD_MATCH_BLT	(VGPU_CMD_CLIENT_MASK | VGPU_CMD_BLT_OPCODE_MASK)
#define VGPU_CMD_MATCH_GFX	(VGPU_CMD_CLIENT_MASK | VGPU_CMD_GFX_OPCODE_MASK)

/*
 * The length column, a rule: (shortest length in dwords, longest minus
 * shortest, the header's length field or 0, the field bits the rule lets
 * vary). The parser's fast decode checks the other field bits against the
 * shortest length's field.
 *
 * VGPU_CMD_LEN_ONE: one dword, no length field (MI opcodes below 0x20).
 * VGPU_CMD_LEN_FIXED(n): n dwords.
 * VGPU_CMD_LEN_PAIR(n): n or n + 1 dwords, n even (field bit 0 varies).
 * VGPU_CMD_LEN_ODD(longest): odd lengths from 3 to longest (LRI: one
 *	dword and two per register). The parser's slow decode takes any
 *	length within the bounds and its audit refuses an even one.
 */
#define VGPU_CMD_LEN_ONE	(1, 0, 0, 0)
#define VGPU_CMD_LEN_FIXED(n)	((n), 0, VGPU_CMD_LEN_MASK, 0)
#define VGPU_CMD_LEN_PAIR(n)	((n), 1, VGPU_CMD_LEN_MASK, 1)
#define VGPU_CMD_LEN_ODD(longest)					\
	(3, (longest) - 3, VGPU_CMD_LEN_MASK, VGPU_CMD_LEN_MASK & ~1)

/* Facts of a rule, applied as __VGPU_CMD_LEN(__VGPU_CMD_LEN_MIN, rule). */
#define __VGPU_CMD_LEN(fact, rule)	(fact rule)
#define __VGPU_CMD_LEN_MIN(shortest, span, field, vary)	(shortest)
#define __VGPU_CMD_LEN_SPAN(shortest, span, field, vary)	(span)
#define __VGPU_CMD_LEN_MAX(shortest, span, field, vary)	((shortest) + (span))
#define __VGPU_CMD_LEN_FIELD(shortest, span, field, vary)	(field)
#define __VGPU_CMD_LEN_VARY(shortest, span, field, vary)	(vary)
/* What is added to the field to give the length; without one, the length. */
#define __VGPU_CMD_LEN_BIAS(shortest, span, field, vary)		\
	((field) ? VGPU_CMD_LEN_BIAS : (shortest))
/* The field bits the rule does not let vary, as in the shortest length. */
#define __VGPU_CMD_LEN_FIXED_PART(shortest, span, field, vary)		\
	(((shortest) - VGPU_CMD_LEN_BIAS) & (field) & ~(vary))

/*
 * The columns of a row, in order (vgpu/cmd_subset_rows.h describes them).
 * The blit parameters come last and take the rest of the arguments: their
 * initializer holds commas.
 */
#define VGPU_CMD_ROW_ID(id, ...)	id
#define VGPU_CMD_ROW_NAME(id, name, ...)	name
#define VGPU_CMD_ROW_MATCH_MASK(id, name, match, ...)	(match)
#define VGPU_CMD_ROW_HEADER(id, name, match, header, ...)	(header)
#define VGPU_CMD_ROW_ALLOWED(id, name, match, header, allowed, ...)	\
	(allowed)
#define VGPU_CMD_ROW_UNSUPPORTED(id, name, match, header, allowed,	\
				 unsupported, ...)			\
	(unsupported)
#define VGPU_CMD_ROW_ENGINES(id, name, match, header, allowed,		\
			     unsupported, engines, ...)			\
	(engines)
#define VGPU_CMD_ROW_LEN_RULE(id, name, match, header, allowed,	\
			      unsupported, engines, len, ...)		\
	len
#define VGPU_CMD_ROW_ADDR_DW(id, name, match, header, allowed,		\
			     unsupported, engines, len, addr_dw, ...)	\
	(addr_dw)
#define VGPU_CMD_ROW_AUDIT(id, name, match, header, allowed,		\
			   unsupported, engines, len, addr_dw, audit, ...) \
	(audit)
#define VGPU_CMD_ROW_FLAGS(id, name, match, header, allowed,		\
			   unsupported, engines, len, addr_dw, audit,	\
			   flags, ...)					\
	(flags)
#define VGPU_CMD_ROW_BLT(id, name, match, header, allowed, unsupported, \
			 engines, len, addr_dw, audit, flags, ...)	\
	__VA_ARGS__

/* Derived facts of a row. */
#define VGPU_CMD_ROW_MATCH_VALUE(...)					\
	(VGPU_CMD_ROW_HEADER(__VA_ARGS__) &				\
	 VGPU_CMD_ROW_MATCH_MASK(__VA_ARGS__))
#define VGPU_CMD_ROW_LEN_MIN(...)					\
	__VGPU_CMD_LEN(__VGPU_CMD_LEN_MIN, VGPU_CMD_ROW_LEN_RULE(__VA_ARGS__))
#define VGPU_CMD_ROW_LEN_SPAN(...)					\
	__VGPU_CMD_LEN(__VGPU_CMD_LEN_SPAN, VGPU_CMD_ROW_LEN_RULE(__VA_ARGS__))
#define VGPU_CMD_ROW_LEN_MAX(...)					\
	__VGPU_CMD_LEN(__VGPU_CMD_LEN_MAX, VGPU_CMD_ROW_LEN_RULE(__VA_ARGS__))
#define VGPU_CMD_ROW_LEN_FIELD(...)					\
	__VGPU_CMD_LEN(__VGPU_CMD_LEN_FIELD, VGPU_CMD_ROW_LEN_RULE(__VA_ARGS__))
#define VGPU_CMD_ROW_LEN_VARY(...)					\
	__VGPU_CMD_LEN(__VGPU_CMD_LEN_VARY, VGPU_CMD_ROW_LEN_RULE(__VA_ARGS__))
#define VGPU_CMD_ROW_LEN_BIAS(...)					\
	__VGPU_CMD_LEN(__VGPU_CMD_LEN_BIAS, VGPU_CMD_ROW_LEN_RULE(__VA_ARGS__))
#define VGPU_CMD_ROW_LEN_FIXED_PART(...)				\
	__VGPU_CMD_LEN(__VGPU_CMD_LEN_FIXED_PART,			\
		       VGPU_CMD_ROW_LEN_RULE(__VA_ARGS__))

/*
 * Tables indexed by the top ten header bits find a command in one load.
 * A row's keys are those whose matched bits equal its match value: one
 * key, or two for an MI opcode (bits 28:23), whose bit 22 is a flag. The
 * bits a match leaves free among the ten are the lowest ones, so the keys
 * are a range; VGPU_CMD_ROW_BUCKETS(value, row) is the designated
 * initializer that puts @value at all of them.
 */
#define VGPU_CMD_BUCKET_SHIFT	22
#define VGPU_CMD_BUCKETS	(1U << (32 - VGPU_CMD_BUCKET_SHIFT))
#define VGPU_CMD_ROW_KEY_FIRST(...)					\
	((u32)VGPU_CMD_ROW_MATCH_VALUE(__VA_ARGS__) >> VGPU_CMD_BUCKET_SHIFT)
#define VGPU_CMD_ROW_KEY_LAST(...)					\
	((u32)(VGPU_CMD_ROW_MATCH_VALUE(__VA_ARGS__) |			\
	       ~VGPU_CMD_ROW_MATCH_MASK(__VA_ARGS__)) >> VGPU_CMD_BUCKET_SHIFT)
#define VGPU_CMD_ROW_BUCKETS(value, ...)				\
	[VGPU_CMD_ROW_KEY_FIRST(__VA_ARGS__) ...			\
	 VGPU_CMD_ROW_KEY_LAST(__VA_ARGS__)] = (value)

/*
 * Which headers have a length field: every client but MI, and MI opcodes
 * from 0x20 up; that is, headers with any of bits 31:28 set. The length
 * therefore follows from the header alone, before its command is found:
 * the parser's fast decode and the executor compute it so, and the
 * parser's table-consistency test checks that every row follows the rule.
 */
#define VGPU_CMD_HAS_LEN_BITS	0xf0000000
static inline u32 vgpu_cmd_header_len(u32 header)
{
	return header & VGPU_CMD_HAS_LEN_BITS ? VGPU_CMD_LEN(header) : 1;
}

/* VGPU_CMD_ID_*: a command's index in tables expanded from the rows. */
enum vgpu_cmd_id {
#define VGPU_CMD(...)	VGPU_CMD_ROW_ID(__VA_ARGS__),
#include "vgpu/cmd_subset_rows.h"
	VGPU_CMD_ID_COUNT
};

#endif /* _VGPU_CMD_SUBSET_H */
