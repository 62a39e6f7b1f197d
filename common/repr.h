/* SPDX-License-Identifier: GPL-3.0-or-later */
/* repr: show bytes so that a student sees exactly what is there. */
#ifndef SHELLWIRE_COMMON_REPR_H
#define SHELLWIRE_COMMON_REPR_H

#include <stddef.h>

/*
 * One string as Python's repr() shows it: 'a b', or "it's" when it holds a
 * single quote and no double quote.  Control bytes become \t \n \r \\ or
 * \xNN; valid UTF-8 stays as it is, invalid bytes become \xNN.  Returns a
 * string to free(), or NULL (one line on stderr).
 */
char *repr_python(const char *s, size_t len);

/*
 * A list of C strings in the book's form: ['a', '"b', 'c"'].
 * Returns a string to free(), or NULL.
 */
char *repr_python_list(char *const *items, size_t count);

/*
 * Bytes as one quoted C string: "Linux\n", with every byte outside
 * printable ASCII as \n \r \t or \xNN, and \" \\ escaped.
 * Returns a string to free(), or NULL.
 */
char *repr_c(const void *bytes, size_t len);

#endif
