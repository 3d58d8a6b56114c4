// SPDX-License-Identifier: GPL-2.0
/*
 * pio - raw x86 port I/O for nested test guests.
 *
 * Usage: pio OP PORT [VALUE] [OP PORT [VALUE]]...
 *   OP is rb, rw, rl (read a byte, word, dword; the value is printed as
 *   0x%0Nx, one line per read) or wb, ww, wl (write VALUE).
 *   PORT and VALUE are in C notation (0x.. hex, 0.. octal, decimal).
 *
 * Several operations in one call cost one process start, which matters in
 * a nested guest. Needs root (iopl(3)). Built static by tools/vm/mkinitramfs
 * and put in the nested guest's initramfs as /bin/pio.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>

static int parse_num(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 0);
	if (errno || *s == '\0' || *end != '\0' || *out > max) {
		fprintf(stderr, "pio: bad number '%s' (max 0x%lx)\n", s, max);
		return -1;
	}
	return 0;
}

static int width_of(char c)
{
	switch (c) {
	case 'b':
		return 1;
	case 'w':
		return 2;
	case 'l':
		return 4;
	}
	return 0;
}

static void do_read(unsigned short port, int width)
{
	switch (width) {
	case 1:
		printf("0x%02x\n", inb(port));
		break;
	case 2:
		printf("0x%04x\n", inw(port));
		break;
	default:
		printf("0x%08x\n", inl(port));
		break;
	}
}

static void do_write(unsigned short port, int width, unsigned long val)
{
	switch (width) {
	case 1:
		outb((unsigned char)val, port);
		break;
	case 2:
		outw((unsigned short)val, port);
		break;
	default:
		outl((unsigned int)val, port);
		break;
	}
}

static int print_usage(void)
{
	fprintf(stderr,
		"usage: pio {rb|rw|rl} PORT | {wb|ww|wl} PORT VALUE ...\n");
	return 2;
}

int main(int argc, char **argv)
{
	int i = 1;

	if (argc < 3)
		return print_usage();
	if (iopl(3)) {
		perror("pio: iopl");
		return 1;
	}
	while (i < argc) {
		const char *op = argv[i];
		unsigned long port, val = 0;
		int width;

		if (strlen(op) != 2 || (op[0] != 'r' && op[0] != 'w'))
			return print_usage();
		width = width_of(op[1]);
		if (!width || i + 1 >= argc)
			return print_usage();
		if (parse_num(argv[i + 1], 0xffff, &port))
			return 2;
		if (op[0] == 'r') {
			do_read(port, width);
			i += 2;
			continue;
		}
		if (i + 2 >= argc)
			return print_usage();
		if (parse_num(argv[i + 2], width == 4 ? 0xffffffffUL :
			      (1UL << (8 * width)) - 1, &val))
			return 2;
		do_write(port, width, val);
		i += 3;
	}
	return fflush(stdout) ? 1 : 0;
}
