/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vfbc authors
 *
 * testpmd commands of the vfbc PMDs. From a PF port: define, read, write and
 * invalidate a VF's configuration blocks, and show what the PF holds for a VF.
 * From a VF port: the VF's own mailbox requests. Compiled into testpmd, as
 * DPDK's <driver>_testpmd.c files are, so it uses only rte_pmd_vfbc.h: the
 * PMD library exports nothing else.
 */

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmdline_parse.h>
#include <cmdline_parse_num.h>
#include <cmdline_parse_string.h>
#include <rte_common.h>

#include "testpmd.h"
#include "rte_pmd_vfbc.h"

/*
 * Parse result of every vfbc command: each command fills in the fields of its
 * own tokens, so all commands can share one set of tokens.
 */
struct cmd_vfbc_result {
	cmdline_fixed_string_t vfbc;
	cmdline_fixed_string_t side;   /* pf or vf */
	portid_t port_id;
	cmdline_fixed_string_t vf_kw;
	uint16_t vf;
	cmdline_fixed_string_t object; /* block, invalidate, show, invalidated */
	cmdline_fixed_string_t op;     /* read, write, define */
	uint32_t block_id;
	uint32_t capacity;
	uint32_t len;
	uint64_t mask;
	cmdline_fixed_string_t kind;   /* hex or string; or the VF's rights */
	cmdline_multi_string_t data;
};

#define VFBC_TOKEN_STRING(field, str) \
	TOKEN_STRING_INITIALIZER(struct cmd_vfbc_result, field, str)
#define VFBC_TOKEN_NUM(field, type) \
	TOKEN_NUM_INITIALIZER(struct cmd_vfbc_result, field, type)

static cmdline_parse_token_string_t cmd_vfbc_vfbc = VFBC_TOKEN_STRING(vfbc, "vfbc");
static cmdline_parse_token_string_t cmd_vfbc_pf = VFBC_TOKEN_STRING(side, "pf");
static cmdline_parse_token_string_t cmd_vfbc_vf = VFBC_TOKEN_STRING(side, "vf");
static cmdline_parse_token_num_t cmd_vfbc_port_id = VFBC_TOKEN_NUM(port_id, RTE_UINT16);
static cmdline_parse_token_string_t cmd_vfbc_vf_kw = VFBC_TOKEN_STRING(vf_kw, "vf");
static cmdline_parse_token_num_t cmd_vfbc_vf_id = VFBC_TOKEN_NUM(vf, RTE_UINT16);
static cmdline_parse_token_string_t cmd_vfbc_block = VFBC_TOKEN_STRING(object, "block");
static cmdline_parse_token_string_t cmd_vfbc_invalidate =
	VFBC_TOKEN_STRING(object, "invalidate");
static cmdline_parse_token_string_t cmd_vfbc_show = VFBC_TOKEN_STRING(object, "show");
static cmdline_parse_token_string_t cmd_vfbc_invalidated =
	VFBC_TOKEN_STRING(object, "invalidated");
static cmdline_parse_token_string_t cmd_vfbc_read = VFBC_TOKEN_STRING(op, "read");
static cmdline_parse_token_string_t cmd_vfbc_write = VFBC_TOKEN_STRING(op, "write");
static cmdline_parse_token_string_t cmd_vfbc_define = VFBC_TOKEN_STRING(op, "define");
static cmdline_parse_token_num_t cmd_vfbc_block_id = VFBC_TOKEN_NUM(block_id, RTE_UINT32);
static cmdline_parse_token_num_t cmd_vfbc_capacity = VFBC_TOKEN_NUM(capacity, RTE_UINT32);
static cmdline_parse_token_num_t cmd_vfbc_len = VFBC_TOKEN_NUM(len, RTE_UINT32);
static cmdline_parse_token_num_t cmd_vfbc_mask = VFBC_TOKEN_NUM(mask, RTE_UINT64);
static cmdline_parse_token_string_t cmd_vfbc_format = VFBC_TOKEN_STRING(kind, "hex#string");
static cmdline_parse_token_string_t cmd_vfbc_rights = VFBC_TOKEN_STRING(kind, "r#w#rw#none");
/* The rest of the line, so that a string may hold blanks. */
static cmdline_parse_token_string_t cmd_vfbc_data = VFBC_TOKEN_STRING(data, TOKEN_STRING_MULTI);

#define VFBC_ERRNO(e) { e, #e }

static const struct {
	int err;
	const char *name;
} vfbc_errnos[] = {
	VFBC_ERRNO(EPERM), VFBC_ERRNO(ENOENT), VFBC_ERRNO(EIO), VFBC_ERRNO(EAGAIN),
	VFBC_ERRNO(ENOMEM), VFBC_ERRNO(EACCES), VFBC_ERRNO(EBUSY), VFBC_ERRNO(EEXIST),
	VFBC_ERRNO(ENODEV), VFBC_ERRNO(EINVAL), VFBC_ERRNO(ENOSPC), VFBC_ERRNO(ERANGE),
	VFBC_ERRNO(EPROTO), VFBC_ERRNO(EMSGSIZE), VFBC_ERRNO(ENOTSUP), VFBC_ERRNO(ENOTCONN),
	VFBC_ERRNO(ETIMEDOUT), VFBC_ERRNO(ECANCELED),
};

/* Report a failed call by its errno's name, which is what the API documents. */
static void
vfbc_print_error(const struct cmd_vfbc_result *res, const char *what, int ret)
{
	const char *name = NULL;
	unsigned int i;

	for (i = 0; i < RTE_DIM(vfbc_errnos); i++)
		if (vfbc_errnos[i].err == -ret)
			name = vfbc_errnos[i].name;
	if (name != NULL)
		fprintf(stderr, "vfbc: %s failed: -%s (%s)", what, name, strerror(-ret));
	else
		fprintf(stderr, "vfbc: %s failed: %d (%s)", what, ret, strerror(-ret));
	if (ret == -ENOTSUP)
		fprintf(stderr, ": port %u is not a net_vfbc_%s port", res->port_id, res->side);
	fprintf(stderr, "\n");
}

static int
vfbc_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Two hex digits per byte, nothing else. @return bytes, or -1 if malformed. */
static int
vfbc_parse_hex(const char *s, uint8_t *buf, size_t size)
{
	size_t n = strlen(s);
	size_t i;

	/* The token runs to the end of the line: ignore the blanks ending it. */
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n == 0 || n % 2 != 0 || n / 2 > size)
		return -1;
	for (i = 0; i < n; i += 2) {
		int hi = vfbc_hex_digit(s[i]);
		int lo = vfbc_hex_digit(s[i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		buf[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return (int)(n / 2);
}

/* The bytes a write command carries. @return their number, or -1 (reported). */
static int
vfbc_payload(const struct cmd_vfbc_result *res, uint8_t *buf, size_t size)
{
	size_t n;
	int ret;

	if (strcmp(res->kind, "string") == 0) {
		n = RTE_MIN(strlen(res->data), size);
		memcpy(buf, res->data, n);
		return (int)n;
	}
	ret = vfbc_parse_hex(res->data, buf, size);
	if (ret < 0)
		fprintf(stderr, "vfbc: malformed hex \"%s\": expected pairs of hex digits, "
				"such as 00ff10\n", res->data);
	return ret;
}

static void
vfbc_hexdump(const uint8_t *buf, uint32_t len)
{
	uint32_t off, i, n;

	for (off = 0; off < len; off += 16) {
		n = RTE_MIN(len - off, 16u);
		printf("  %08x ", off);
		for (i = 0; i < 16; i++) {
			if (i < n)
				printf(" %02x", buf[off + i]);
			else
				printf("   ");
		}
		printf("  |");
		for (i = 0; i < n; i++)
			putchar(isprint(buf[off + i]) ? buf[off + i] : '.');
		printf("|\n");
	}
}

static const char *
vfbc_rights_name(uint32_t flags)
{
	static const char *const names[] = { "none", "r", "w", "rw" };

	return names[flags & (RTE_PMD_VFBC_BLOCK_VF_READ | RTE_PMD_VFBC_BLOCK_VF_WRITE)];
}

static uint32_t
vfbc_rights_flags(const char *name)
{
	uint32_t flags = 0;

	if (strcmp(name, "none") == 0)
		return 0;
	if (strchr(name, 'r') != NULL)
		flags |= RTE_PMD_VFBC_BLOCK_VF_READ;
	if (strchr(name, 'w') != NULL)
		flags |= RTE_PMD_VFBC_BLOCK_VF_WRITE;
	return flags;
}

/* *** PF: vfbc pf <port_id> vf <vf_id> block read <block_id> *** */
static void
cmd_vfbc_pf_block_read_parsed(void *parsed_result, __rte_unused struct cmdline *cl,
		__rte_unused void *data)
{
	struct cmd_vfbc_result *res = parsed_result;
	/* Large enough for any block: the length is known only once copied. */
	uint8_t *buf = malloc(RTE_PMD_VFBC_MAX_BLOCK_SIZE);
	int ret;

	if (buf == NULL) {
		fprintf(stderr, "vfbc: block read failed: out of memory\n");
		return;
	}
	ret = rte_pmd_vfbc_pf_get_block(res->port_id, res->vf, res->block_id, buf,
			RTE_PMD_VFBC_MAX_BLOCK_SIZE);
	if (ret < 0) {
		vfbc_print_error(res, "block read", ret);
	} else {
		printf("PF port %u VF %u block %#x: %d bytes\n", res->port_id, res->vf,
				res->block_id, ret);
		vfbc_hexdump(buf, (uint32_t)ret);
	}
	free(buf);
}

static cmdline_parse_inst_t cmd_vfbc_pf_block_read = {
	.f = cmd_vfbc_pf_block_read_parsed,
	.data = NULL,
	.help_str = "vfbc pf <port_id> vf <vf_id> block read <block_id>: "
		"Dump a VF's block from its PF",
	.tokens = {
		(void *)&cmd_vfbc_vfbc,
		(void *)&cmd_vfbc_pf,
		(void *)&cmd_vfbc_port_id,
		(void *)&cmd_vfbc_vf_kw,
		(void *)&cmd_vfbc_vf_id,
		(void *)&cmd_vfbc_block,
		(void *)&cmd_vfbc_read,
		(void *)&cmd_vfbc_block_id,
		NULL,
	},
};

/* *** PF: vfbc pf <port_id> vf <vf_id> block write <block_id> hex|string <data> *** */
static void
cmd_vfbc_pf_block_write_parsed(void *parsed_result, __rte_unused struct cmdline *cl,
		__rte_unused void *data)
{
	struct cmd_vfbc_result *res = parsed_result;
	uint8_t buf[sizeof(cmdline_multi_string_t)];
	int len = vfbc_payload(res, buf, sizeof(buf));
	int ret;

	if (len < 0)
		return;
	ret = rte_pmd_vfbc_pf_set_block(res->port_id, res->vf, res->block_id, buf,
			(uint32_t)len);
	if (ret < 0)
		vfbc_print_error(res, "block write", ret);
	else
		printf("PF port %u VF %u block %#x: wrote %d bytes\n", res->port_id, res->vf,
				res->block_id, len);
}

static cmdline_parse_inst_t cmd_vfbc_pf_block_write = {
	.f = cmd_vfbc_pf_block_write_parsed,
	.data = NULL,
	.help_str = "vfbc pf <port_id> vf <vf_id> block write <block_id> hex|string <data>: "
		"Set a VF's block from its PF",
	.tokens = {
		(void *)&cmd_vfbc_vfbc,
		(void *)&cmd_vfbc_pf,
		(void *)&cmd_vfbc_port_id,
		(void *)&cmd_vfbc_vf_kw,
		(void *)&cmd_vfbc_vf_id,
		(void *)&cmd_vfbc_block,
		(void *)&cmd_vfbc_write,
		(void *)&cmd_vfbc_block_id,
		(void *)&cmd_vfbc_format,
		(void *)&cmd_vfbc_data,
		NULL,
	},
};

/* *** PF: vfbc pf <port_id> vf <vf_id> block define <block_id> <capacity> <rights> *** */
static void
cmd_vfbc_pf_block_define_parsed(void *parsed_result, __rte_unused struct cmdline *cl,
		__rte_unused void *data)
{
	struct cmd_vfbc_result *res = parsed_result;
	int ret;

	ret = rte_pmd_vfbc_pf_define_block(res->port_id, res->vf, res->block_id, res->capacity,
			vfbc_rights_flags(res->kind));
	if (ret < 0)
		vfbc_print_error(res, "block define", ret);
	else
		printf("PF port %u VF %u block %#x: defined, capacity %u, VF rights %s\n",
				res->port_id, res->vf, res->block_id, res->capacity, res->kind);
}

static cmdline_parse_inst_t cmd_vfbc_pf_block_define = {
	.f = cmd_vfbc_pf_block_define_parsed,
	.data = NULL,
	.help_str = "vfbc pf <port_id> vf <vf_id> block define <block_id> <capacity> "
		"r|w|rw|none: Define a VF's block with the VF's access rights",
	.tokens = {
		(void *)&cmd_vfbc_vfbc,
		(void *)&cmd_vfbc_pf,
		(void *)&cmd_vfbc_port_id,
		(void *)&cmd_vfbc_vf_kw,
		(void *)&cmd_vfbc_vf_id,
		(void *)&cmd_vfbc_block,
		(void *)&cmd_vfbc_define,
		(void *)&cmd_vfbc_block_id,
		(void *)&cmd_vfbc_capacity,
		(void *)&cmd_vfbc_rights,
		NULL,
	},
};

/* *** PF: vfbc pf <port_id> vf <vf_id> invalidate <mask> *** */
static void
cmd_vfbc_pf_invalidate_parsed(void *parsed_result, __rte_unused struct cmdline *cl,
		__rte_unused void *data)
{
	struct cmd_vfbc_result *res = parsed_result;
	int ret;

	ret = rte_pmd_vfbc_pf_invalidate(res->port_id, res->vf, res->mask);
	if (ret < 0)
		vfbc_print_error(res, "invalidate", ret);
	else
		printf("PF port %u VF %u: invalidated blocks 0x%" PRIx64 "\n", res->port_id,
				res->vf, res->mask);
}

static cmdline_parse_inst_t cmd_vfbc_pf_invalidate = {
	.f = cmd_vfbc_pf_invalidate_parsed,
	.data = NULL,
	.help_str = "vfbc pf <port_id> vf <vf_id> invalidate <mask>: "
		"Invalidate a VF's blocks 0-63 (bit n: block n)",
	.tokens = {
		(void *)&cmd_vfbc_vfbc,
		(void *)&cmd_vfbc_pf,
		(void *)&cmd_vfbc_port_id,
		(void *)&cmd_vfbc_vf_kw,
		(void *)&cmd_vfbc_vf_id,
		(void *)&cmd_vfbc_invalidate,
		(void *)&cmd_vfbc_mask,
		NULL,
	},
};

/* *** PF: vfbc pf <port_id> vf <vf_id> show *** */
static void
vfbc_show_blocks(const struct cmd_vfbc_result *res, uint32_t nb_blocks)
{
	struct rte_pmd_vfbc_block_info bi;
	uint32_t i;
	int ret;

	printf("PF port %u VF %u: %u blocks\n", res->port_id, res->vf, nb_blocks);
	printf("  %-10s  %8s  %8s  %-6s  %s\n", "Block ID", "Capacity", "Length", "Rights",
			"Version");
	/* By index until -ENOENT: the count may change while listing. */
	for (i = 0; ; i++) {
		ret = rte_pmd_vfbc_pf_get_block_info(res->port_id, res->vf, i, &bi);
		if (ret < 0)
			break;
		printf("  0x%08x  %8u  %8u  %-6s  %" PRIu64 "\n", bi.block_id, bi.capacity,
				bi.len, vfbc_rights_name(bi.flags), bi.version);
	}
	if (ret != -ENOENT)
		vfbc_print_error(res, "block listing", ret);
}

static void
vfbc_show_mailbox(const struct rte_pmd_vfbc_vf_stats *st)
{
	printf("Mailbox: %s, protocol version %u, next sequence number %u\n",
			st->attached ? "attached" : "not attached", st->proto_version,
			st->next_seq);
	printf("  Attaches: %" PRIu64 "\n", st->attaches);
	printf("  Requests: %" PRIu64 " (reads %" PRIu64 ", writes %" PRIu64 ")\n",
			st->requests, st->reads, st->writes);
	printf("  Completions: %" PRIu64 " (wakeups %" PRIu64 ")\n", st->completions,
			st->wakeups);
	printf("  By status: OK %" PRIu64 ", ENOENT %" PRIu64 ", EACCES %" PRIu64
			", denied %" PRIu64 ", EMSGSIZE %" PRIu64 ", EINVAL %" PRIu64
			", EPROTO %" PRIu64 "\n", st->ok, st->err_noent, st->err_access,
			st->err_denied, st->err_msgsize, st->err_inval, st->err_proto);
	printf("  Invalidations not taken by the VF: 0x%" PRIx64 "\n", st->inval_pending);
}

static void
cmd_vfbc_pf_show_parsed(void *parsed_result, __rte_unused struct cmdline *cl,
		__rte_unused void *data)
{
	struct cmd_vfbc_result *res = parsed_result;
	struct rte_pmd_vfbc_vf_stats st;
	int ret;

	ret = rte_pmd_vfbc_pf_get_vf_stats(res->port_id, res->vf, &st);
	if (ret < 0) {
		vfbc_print_error(res, "show", ret);
		return;
	}
	vfbc_show_blocks(res, st.nb_blocks);
	vfbc_show_mailbox(&st);
}

static cmdline_parse_inst_t cmd_vfbc_pf_show = {
	.f = cmd_vfbc_pf_show_parsed,
	.data = NULL,
	.help_str = "vfbc pf <port_id> vf <vf_id> show: "
		"Show a VF's blocks and mailbox state",
	.tokens = {
		(void *)&cmd_vfbc_vfbc,
		(void *)&cmd_vfbc_pf,
		(void *)&cmd_vfbc_port_id,
		(void *)&cmd_vfbc_vf_kw,
		(void *)&cmd_vfbc_vf_id,
		(void *)&cmd_vfbc_show,
		NULL,
	},
};

/* *** VF: vfbc vf <port_id> block read <block_id> [<len>] *** */
static void
vfbc_vf_block_read(const struct cmd_vfbc_result *res, uint32_t len)
{
	uint8_t *buf;
	int ret;

	/* No block is larger, and the VF clamps reads to its mailbox slot anyway. */
	len = RTE_MIN(len, RTE_PMD_VFBC_MAX_BLOCK_SIZE);
	buf = malloc(RTE_MAX(len, 1u));
	if (buf == NULL) {
		fprintf(stderr, "vfbc: block read failed: out of memory\n");
		return;
	}
	ret = rte_pmd_vfbc_vf_read_block(res->port_id, res->block_id, buf, len);
	if (ret < 0) {
		vfbc_print_error(res, "block read", ret);
	} else {
		printf("VF port %u block %#x: %d bytes\n", res->port_id, res->block_id, ret);
		vfbc_hexdump(buf, (uint32_t)ret);
	}
	free(buf);
}

static void
cmd_vfbc_vf_block_read_parsed(void *parsed_result, __rte_unused struct cmdline *cl,
		__rte_unused void *data)
{
	vfbc_vf_block_read(parsed_result, RTE_PMD_VFBC_MAX_BLOCK_SIZE);
}

static void
cmd_vfbc_vf_block_read_len_parsed(void *parsed_result, __rte_unused struct cmdline *cl,
		__rte_unused void *data)
{
	struct cmd_vfbc_result *res = parsed_result;

	vfbc_vf_block_read(res, res->len);
}

static cmdline_parse_inst_t cmd_vfbc_vf_block_read = {
	.f = cmd_vfbc_vf_block_read_parsed,
	.data = NULL,
	.help_str = "vfbc vf <port_id> block read <block_id>: "
		"Read a block through the VF's mailbox",
	.tokens = {
		(void *)&cmd_vfbc_vfbc,
		(void *)&cmd_vfbc_vf,
		(void *)&cmd_vfbc_port_id,
		(void *)&cmd_vfbc_block,
		(void *)&cmd_vfbc_read,
		(void *)&cmd_vfbc_block_id,
		NULL,
	},
};

static cmdline_parse_inst_t cmd_vfbc_vf_block_read_len = {
	.f = cmd_vfbc_vf_block_read_len_parsed,
	.data = NULL,
	.help_str = "vfbc vf <port_id> block read <block_id> <len>: "
		"Read at most len bytes of a block through the VF's mailbox",
	.tokens = {
		(void *)&cmd_vfbc_vfbc,
		(void *)&cmd_vfbc_vf,
		(void *)&cmd_vfbc_port_id,
		(void *)&cmd_vfbc_block,
		(void *)&cmd_vfbc_read,
		(void *)&cmd_vfbc_block_id,
		(void *)&cmd_vfbc_len,
		NULL,
	},
};

/* *** VF: vfbc vf <port_id> block write <block_id> hex|string <data> *** */
static void
cmd_vfbc_vf_block_write_parsed(void *parsed_result, __rte_unused struct cmdline *cl,
		__rte_unused void *data)
{
	struct cmd_vfbc_result *res = parsed_result;
	uint8_t buf[sizeof(cmdline_multi_string_t)];
	int len = vfbc_payload(res, buf, sizeof(buf));
	int ret;

	if (len < 0)
		return;
	ret = rte_pmd_vfbc_vf_write_block(res->port_id, res->block_id, buf, (uint32_t)len);
	if (ret < 0)
		vfbc_print_error(res, "block write", ret);
	else
		printf("VF port %u block %#x: wrote %d bytes\n", res->port_id, res->block_id,
				len);
}

static cmdline_parse_inst_t cmd_vfbc_vf_block_write = {
	.f = cmd_vfbc_vf_block_write_parsed,
	.data = NULL,
	.help_str = "vfbc vf <port_id> block write <block_id> hex|string <data>: "
		"Write a block through the VF's mailbox",
	.tokens = {
		(void *)&cmd_vfbc_vfbc,
		(void *)&cmd_vfbc_vf,
		(void *)&cmd_vfbc_port_id,
		(void *)&cmd_vfbc_block,
		(void *)&cmd_vfbc_write,
		(void *)&cmd_vfbc_block_id,
		(void *)&cmd_vfbc_format,
		(void *)&cmd_vfbc_data,
		NULL,
	},
};

/* *** VF: vfbc vf <port_id> invalidated *** */
static void
cmd_vfbc_vf_invalidated_parsed(void *parsed_result, __rte_unused struct cmdline *cl,
		__rte_unused void *data)
{
	struct cmd_vfbc_result *res = parsed_result;
	uint64_t mask;
	int ret;

	ret = rte_pmd_vfbc_vf_get_invalidated(res->port_id, &mask);
	if (ret < 0)
		vfbc_print_error(res, "invalidated", ret);
	else
		printf("VF port %u: invalidated blocks 0x%" PRIx64 "\n", res->port_id, mask);
}

static cmdline_parse_inst_t cmd_vfbc_vf_invalidated = {
	.f = cmd_vfbc_vf_invalidated_parsed,
	.data = NULL,
	.help_str = "vfbc vf <port_id> invalidated: "
		"Fetch and clear the VF's mask of invalidated blocks",
	.tokens = {
		(void *)&cmd_vfbc_vfbc,
		(void *)&cmd_vfbc_vf,
		(void *)&cmd_vfbc_port_id,
		(void *)&cmd_vfbc_invalidated,
		NULL,
	},
};

static struct testpmd_driver_commands vfbc_cmds = {
	.commands = {
	{
		&cmd_vfbc_pf_block_read,
		"vfbc pf (port_id) vf (vf_id) block read (block_id)\n"
		"    Dump a block of a VF, from the PF port, with its length.\n",
	},
	{
		&cmd_vfbc_pf_block_write,
		"vfbc pf (port_id) vf (vf_id) block write (block_id) hex|string (data)\n"
		"    Set a block of a VF from the PF port, whatever the VF's rights:\n"
		"    data is hex digits (hex 00ff10) or the rest of the line (string).\n",
	},
	{
		&cmd_vfbc_pf_block_define,
		"vfbc pf (port_id) vf (vf_id) block define (block_id) (capacity) (r|w|rw|none)\n"
		"    Define an empty block of a VF, with the VF's access rights.\n",
	},
	{
		&cmd_vfbc_pf_invalidate,
		"vfbc pf (port_id) vf (vf_id) invalidate (mask)\n"
		"    Invalidate blocks 0-63 of a VF (bit n: block n).\n",
	},
	{
		&cmd_vfbc_pf_show,
		"vfbc pf (port_id) vf (vf_id) show\n"
		"    Show a VF's blocks and the state and counters of its mailbox.\n",
	},
	{
		&cmd_vfbc_vf_block_read,
		"vfbc vf (port_id) block read (block_id)\n"
		"    Read a block from a VF port and dump it.\n",
	},
	{
		&cmd_vfbc_vf_block_read_len,
		"vfbc vf (port_id) block read (block_id) (len)\n"
		"    Read at most len bytes of a block from a VF port and dump them.\n",
	},
	{
		&cmd_vfbc_vf_block_write,
		"vfbc vf (port_id) block write (block_id) hex|string (data)\n"
		"    Write a block from a VF port.\n",
	},
	{
		&cmd_vfbc_vf_invalidated,
		"vfbc vf (port_id) invalidated\n"
		"    Fetch and clear the mask of blocks the PF invalidated.\n",
	},
	{ NULL, NULL },
	},
};
TESTPMD_ADD_DRIVER_COMMANDS(vfbc_cmds)
