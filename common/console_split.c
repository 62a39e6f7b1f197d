/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * console_split: telnetsrv's parser, which splits a line into words the
 * way bash does (blanks, '...', "...", backslashes, backslash-newline),
 * and says when a line needs a continuation line.  It knows nothing else
 * of the console: run_line() in console.c calls it, and the unit tests
 * and the fuzz target call it alone.  This is the last file to read.
 */
#include <err.h>
#include <stdlib.h>
#include <string.h>

#include "common/console.h"

/* The parser's state between characters. */
struct splitter {
    char *word; /* the word being built */
    size_t len;
    int in_word;
    char quote; /* ' or " while inside quotes, else 0 */
};

/*
 * Finish WORD as the next entry of *WORDS; 0 or -1.  The array doubles
 * when COUNT + 1 reaches a power of two (it has room for COUNT words and
 * the NULL until then), so a line of many words copies no more than twice.
 */
static int add_word(char ***words, int *count, const char *word, size_t len)
{
    size_t used = (size_t)*count + 1;
    char **grown = *words;

    if ((used & (used - 1)) == 0) {
        grown = realloc(*words, 2 * used * sizeof(**words));
        if (grown == NULL) {
            return -1;
        }
        *words = grown;
    }
    grown[*count] = strndup(word, len);
    if (grown[*count] == NULL) {
        return -1;
    }
    grown[++*count] = NULL;
    return 0;
}

/*
 * LINE[I] (two bytes for an escape) into the word; returns the index of
 * what comes next.  Blanks outside quotes and a final backslash are the
 * caller's.
 */
static size_t take_char(struct splitter *sp, const char *line, size_t i)
{
    char ch = line[i];
    char next = line[i + 1];

    if (sp->quote == '\'') { /* nothing is special but the closing ' */
        if (ch == '\'') {
            sp->quote = 0;
        } else {
            sp->word[sp->len++] = ch;
        }
        return i + 1;
    }
    if (ch == '\\' && next == '\n') {
        return i + 2; /* backslash-newline vanishes, in "..." or not */
    }
    if (sp->quote == '"') { /* \ escapes only " \ $ ` here, as in bash */
        if (ch == '"') {
            sp->quote = 0;
        } else if (ch == '\\' && strchr("\"\\$`", next) != NULL) {
            sp->word[sp->len++] = next;
            return i + 2;
        } else {
            sp->word[sp->len++] = ch;
        }
        return i + 1;
    }
    sp->in_word = 1;
    if (ch == '\\') {
        sp->word[sp->len++] = next;
        return i + 2;
    }
    if (ch == '\'' || ch == '"') {
        sp->quote = ch;
    } else {
        sp->word[sp->len++] = ch;
    }
    return i + 1;
}

/* A blank ends the word being built, if there is one; 0 or -1. */
static int end_word(struct splitter *sp, char ***words, int *count)
{
    if (sp->in_word && add_word(words, count, sp->word, sp->len) == -1) {
        return -1;
    }
    sp->in_word = 0;
    sp->len = 0;
    return 0;
}

int console_split(const char *line, char ***words, int *count)
{
    size_t n = strlen(line);
    struct splitter sp = {malloc(n + 1), 0, 0, 0};
    int status = -1;

    *count = 0;
    *words = calloc(1, sizeof(**words));
    if (sp.word == NULL || *words == NULL) {
        goto out;
    }
    for (size_t i = 0; i < n;) {
        char ch = line[i];
        if (ch == '\\' && line[i + 1] == '\0' && sp.quote != '\'') {
            status = 1; /* continued on the next line */
            goto out;
        }
        if (sp.quote != 0 || (ch != ' ' && ch != '\t' && ch != '\n')) {
            i = take_char(&sp, line, i);
            continue;
        }
        if (end_word(&sp, words, count) == -1) {
            goto out;
        }
        i++;
    }
    if (sp.quote != 0) {
        status = 1;
    } else if (!sp.in_word || add_word(words, count, sp.word, sp.len) == 0) {
        status = 0;
    }
out:
    free(sp.word);
    if (status != 0) {
        if (status == -1) {
            warnx("console: out of memory");
        }
        console_free_words(*words);
        *words = NULL;
        *count = 0;
    }
    return status;
}

void console_free_words(char **words)
{
    if (words == NULL) {
        return;
    }
    for (char **w = words; *w != NULL; w++) {
        free(*w);
    }
    free(words);
}
