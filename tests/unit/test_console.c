/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Unit tests for common/console: parser, line editor, commands, timers,
 * the last command's status.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/console.h"
#include "common/monoclock.h"

/* What the console wrote, and what it handed to the callbacks. */
struct capture {
    char out[16384];
    size_t len;
    int writes;
    char answer[CONSOLE_LINE_MAX + 1];
    char exec[CONSOLE_LINE_MAX + 1];
};

static void capture_write(void *ctx, const char *buf, size_t len)
{
    struct capture *cap = ctx;

    assert_true(cap->len + len < sizeof(cap->out));
    memcpy(cap->out + cap->len, buf, len);
    cap->len += len;
    cap->out[cap->len] = '\0';
    cap->writes++;
}

static void capture_line(void *ctx, const char *line)
{
    struct capture *cap = ctx;

    snprintf(cap->answer, sizeof(cap->answer), "%s", line);
}

static int capture_exec(void *ctx, const char *command)
{
    struct capture *cap = ctx;

    snprintf(cap->exec, sizeof(cap->exec), "%s", command);
    return 0;
}

/* A console logged in as brandon, in character mode or line mode. */
static struct console *open_console(struct capture *cap, int char_mode)
{
    struct console_io io = {cap, capture_write, capture_line, capture_exec};
    struct console *c;

    memset(cap, 0, sizeof(*cap));
    c = console_new(&io);
    assert_non_null(c);
    console_set_echo(c, char_mode);
    console_start(c, "brandon", "Hi.");
    assert_string_equal(cap->out, "Hi.\r\nbrandon@shellwire$ ");
    cap->len = 0;
    cap->writes = 0;
    return c;
}

static enum console_state type(struct console *c, const char *s)
{
    return console_input(c, s, strlen(s));
}

static void check_split(const char *line, int want_status, int want_count,
                        const char *const *want)
{
    char **words;
    int count;

    assert_int_equal(console_split(line, &words, &count), want_status);
    assert_int_equal(count, want_count);
    for (int i = 0; i < want_count; i++) {
        assert_string_equal(words[i], want[i]);
    }
    if (want_status == 0) {
        assert_null(words[count]);
    }
    console_free_words(words);
}

static void split_like_seed_001(void **state)
{
    (void)state;
    check_split("echo 1 \"2 3\"", 0, 3, (const char *[]){"echo", "1", "2 3"});
    check_split("echo 1 \\\n2 \"3\n4\" \"5\\\n6\"", 0, 5,
                (const char *[]){"echo", "1", "2", "3\n4", "56"});
    check_split("echo 1\\ 2", 0, 2, (const char *[]){"echo", "1 2"});
}

static void split_quotes_and_escapes(void **state)
{
    (void)state;
    check_split("", 0, 0, NULL);
    check_split("  \t ", 0, 0, NULL);
    check_split("a  b\tc", 0, 3, (const char *[]){"a", "b", "c"});
    check_split("'' \"\"", 0, 2, (const char *[]){"", ""});
    check_split("'a\\b' \"c\\\"d\"", 0, 2, (const char *[]){"a\\b", "c\"d"});
    check_split("x\"y z\"'w'", 0, 1, (const char *[]){"xy zw"});
    check_split("\"a\\nb\"", 0, 1, (const char *[]){"a\\nb"});
    check_split("echo \"open", 1, 0, NULL);
    check_split("echo 'open", 1, 0, NULL);
    check_split("echo \\", 1, 0, NULL);
    check_split("echo \"a\\", 1, 0, NULL);
}

/* Many words: the array grows past every power of two, NULL-terminated. */
static void split_many_words(void **state)
{
    static char line[2 * 5000];
    char **words;
    int count;

    (void)state;
    for (size_t i = 0; i < 5000; i++) {
        memcpy(line + 2 * i, i % 2 ? "b " : "a ", 2);
    }
    line[sizeof(line) - 1] = '\0';
    assert_int_equal(console_split(line, &words, &count), 0);
    assert_int_equal(count, 5000);
    assert_string_equal(words[0], "a");
    assert_string_equal(words[4095], "b");
    assert_string_equal(words[4999], "b");
    assert_null(words[5000]);
    console_free_words(words);
}

static void echo_in_character_mode(void **state)
{
    struct capture cap;
    struct console *c = open_console(&cap, 1);

    (void)state;
    assert_int_equal(type(c, "echo 1  \"2   3\"\r\n"), CONSOLE_OPEN);
    assert_string_equal(cap.out, "echo 1  \"2   3\"\r\n1 2   3\r\n"
                                 "brandon@shellwire$ ");
    assert_int_equal(cap.writes, 1); /* one write per input */
    console_free(c);
}

static void line_mode_does_not_echo(void **state)
{
    struct capture cap;
    struct console *c = open_console(&cap, 0);

    (void)state;
    type(c, "echo hi\r");
    assert_string_equal(cap.out, "hi\r\nbrandon@shellwire$ ");
    console_free(c);
}

static void every_line_end(void **state)
{
    struct capture cap;
    struct console *c = open_console(&cap, 0);
    static const char lines[] = "echo a\r\0echo b\r\necho c\necho d\r";

    (void)state;
    console_input(c, lines, sizeof(lines) - 1);
    assert_string_equal(cap.out, "a\r\nbrandon@shellwire$ b\r\n"
                                 "brandon@shellwire$ c\r\n"
                                 "brandon@shellwire$ d\r\n"
                                 "brandon@shellwire$ ");
    console_free(c);
}

static void continuation_lines(void **state)
{
    struct capture cap;
    struct console *c = open_console(&cap, 0);

    (void)state;
    type(c, "params 1 \\\r\n2 \"3\r\n4\" \"5\\\r\n6\"\r\n");
    assert_string_equal(cap.out, "... ... ... ['1', '2', '3\\n4', '56']\r\n"
                                 "brandon@shellwire$ ");
    console_free(c);
}

static void editing_keys(void **state)
{
    struct capture cap;
    struct console *c = open_console(&cap, 1);

    (void)state;
    type(c, "echo abc\b\bXY\r");
    assert_non_null(strstr(cap.out, "\r\naXY\r\n"));
    cap.len = 0;
    type(c, "echo abc\x7f!\r\n");
    assert_non_null(strstr(cap.out, "\r\nab!\r\n"));
    cap.len = 0;
    type(c, "echo 12\x1b[D\x1b[DX\r\n");
    assert_non_null(strstr(cap.out, "\r\nX12\r\n"));
    cap.len = 0;
    type(c, "junk\x15"
            "echo one two\x17three\r\n");
    assert_non_null(strstr(cap.out, "\r\none three\r\n"));
    cap.len = 0;
    type(c, "echo dropped\x03");
    assert_string_equal(cap.out, "echo dropped^C\r\nbrandon@shellwire$ ");
    cap.len = 0;
    type(c, "echo ab\x1b[D\x1b[3~\r");
    assert_non_null(strstr(cap.out, "\r\na\r\n"));
    console_free(c);
}

static void history_and_arrows(void **state)
{
    struct capture cap;
    struct console *c = open_console(&cap, 1);

    (void)state;
    type(c, "echo first\r\necho second\r\necho second\r\n");
    cap.len = 0;
    type(c, "\x1b[A\x1b[A\r\n");
    assert_non_null(strstr(cap.out, "\r\nfirst\r\n"));
    cap.len = 0;
    type(c, "\x1b[A\x1b[A\x1b[A\x1b[B\r\n");
    assert_non_null(strstr(cap.out, "\r\nsecond\r\n"));
    cap.len = 0;
    type(c, "history\r\n");
    assert_string_equal(cap.out, "history\r\n"
                                 "    1  echo first\r\n"
                                 "    2  echo second\r\n"
                                 "    3  echo first\r\n"
                                 "    4  echo second\r\n"
                                 "    5  history\r\n"
                                 "brandon@shellwire$ ");
    console_free(c);
}

static void help_hides_hidden_commands(void **state)
{
    struct capture cap;
    struct console *c = open_console(&cap, 0);

    (void)state;
    type(c, "help\r\n");
    assert_non_null(strstr(cap.out, "Help on built in commands\r\n\r\n"));
    assert_non_null(strstr(cap.out, "\r\necho <text to echo> - Echo text"));
    assert_non_null(strstr(cap.out, "\r\nrepeat <text to echo> - Echo"));
    assert_non_null(strstr(cap.out, "\r\nquit - Exit the command shell."));
    assert_null(strstr(cap.out, "params"));
    cap.len = 0;
    type(c, "HELP params\r\n");
    assert_non_null(strstr(cap.out, "params [<params>]*\r\nShow the words"));
    cap.len = 0;
    type(c, "help bye\r\n");
    assert_non_null(strstr(cap.out, "bye\r\naliases: exit, quit, logout\r\n"));
    console_free(c);
}

/* Without io->exec, help lists no exec: it would only say it cannot. */
static void help_lists_only_what_runs(void **state)
{
    struct capture cap;
    struct console_io io = {&cap, capture_write, capture_line, NULL};
    struct console *c = open_console(&cap, 0);

    (void)state;
    type(c, "help\r");
    assert_non_null(strstr(cap.out, "\r\nexec <command> - Run a shell"));
    console_free(c);
    memset(&cap, 0, sizeof(cap));
    c = console_new(&io);
    assert_non_null(c);
    console_start(c, NULL, "");
    cap.len = 0;
    type(c, "help\r");
    assert_null(strstr(cap.out, "exec"));
    assert_non_null(strstr(cap.out, "\r\nlogout - Exit the command shell.\r\n"
                                    "shellwire$ "));
    cap.len = 0;
    type(c, "help exec\r");
    assert_string_equal(cap.out, "help: no command 'exec'\r\nshellwire$ ");
    assert_int_equal(console_last_status(c), 1);
    console_free(c);
}

/* Backspace erases a whole UTF-8 character, on the screen and in the line. */
static void backspace_erases_a_character(void **state)
{
    struct capture cap;
    struct console *c = open_console(&cap, 1);

    (void)state;
    type(c, "echo n\xc3\xa9\x7f\x7f"
            "e!\r");
    assert_string_equal(cap.out, "echo n\xc3\xa9\b \x1b[1D\b \x1b[1De!\r\n"
                                 "e!\r\n"
                                 "brandon@shellwire$ ");
    cap.len = 0;
    /* Left moves one column over a two-byte character; Delete erases it. */
    type(c, "echo a\xc3\xa9\x1b[Dx\x1b[3~\r");
    assert_string_equal(cap.out, "echo a\xc3\xa9\x1b[1Dx\xc3\xa9\x1b[1D"
                                 " \x1b[1D\r\n"
                                 "ax\r\n"
                                 "brandon@shellwire$ ");
    cap.len = 0;
    /* A lead byte with no continuation (Latin-1 é) shows with what follows. */
    type(c, "echo \xe9x\r");
    assert_string_equal(cap.out, "echo \xe9x\r\n\xe9x\r\nbrandon@shellwire$ ");
    console_free(c);
}

static void errors_red_only_with_colour(void **state)
{
    struct capture cap;
    struct console *c = open_console(&cap, 0);

    (void)state;
    type(c, "frobnicate\r\n");
    assert_string_equal(cap.out, "unknown command 'frobnicate'; try help\r\n"
                                 "brandon@shellwire$ ");
    cap.len = 0;
    console_set_term(c, "XTERM");
    type(c, "frobnicate\r\n");
    assert_string_equal(cap.out,
                        "\x1b[91munknown command 'frobnicate'; try help"
                        "\x1b[0m\r\nbrandon@shellwire$ ");
    console_free(c);
}

static void info_shows_the_terminal(void **state)
{
    struct capture cap;
    struct console *c = open_console(&cap, 0);

    (void)state;
    console_set_term(c, "dumb");
    console_set_window(c, 132, 43);
    type(c, "info\r\n");
    assert_string_equal(cap.out, "Username: brandon, terminal type: dumb\r\n"
                                 "Window size: 132x43\r\n"
                                 "Session time: 0:00:00\r\n"
                                 "brandon@shellwire$ ");
    console_free(c);
}

static void timer_message_redraws_the_line(void **state)
{
    struct capture cap;
    struct console *c = open_console(&cap, 1);

    (void)state;
    assert_int_equal(console_deadline(c), -1);
    type(c, "timer 0 \"hello world!\"\r\necho par");
    assert_non_null(strstr(cap.out, "\r\nWaiting 0 seconds...\r\n"));
    assert_true(console_deadline(c) > 0);
    while (monoclock_ms() < console_deadline(c)) {
        continue; /* the due time is at most 1 ms away */
    }
    cap.len = 0;
    console_tick(c);
    assert_string_equal(cap.out, "\r\x1b[Khello world!\r\n"
                                 "brandon@shellwire$ echo par");
    assert_int_equal(console_deadline(c), -1);
    cap.len = 0;
    type(c, "tial\r");
    assert_non_null(strstr(cap.out, "\r\npartial\r\n"));
    type(c, "timer x y\r");
    assert_non_null(strstr(cap.out, "seconds must be a number"));
    console_free(c);
}

static void ask_then_password_without_echo(void **state)
{
    struct capture cap;
    struct console_io io = {&cap, capture_write, capture_line, NULL};
    struct console *c;

    (void)state;
    memset(&cap, 0, sizeof(cap));
    c = console_new(&io);
    console_set_echo(c, 1);
    console_ask(c, "login: ", 1);
    type(c, "bran\x7f"
            "ndon\r\n");
    assert_string_equal(cap.answer, "brandon");
    console_ask(c, "Password: ", 0);
    type(c, "s3cret\r\n");
    assert_string_equal(cap.answer, "s3cret");
    assert_null(strstr(cap.out, "s3cret"));
    assert_string_equal(cap.out, "login: bran\b \x1b[1Dndon\r\n"
                                 "Password: \r\n");
    console_free(c);
}

static void bye_exec_and_ctrl_d(void **state)
{
    struct capture cap;
    struct console *c = open_console(&cap, 0);

    (void)state;
    assert_int_equal(type(c, "bye\r\necho after\r\n"), CONSOLE_OVER);
    assert_string_equal(cap.out, "Goodbye\r\n");
    console_free(c);
    c = open_console(&cap, 0);
    assert_int_equal(type(c, "exec echo My terminal type is $TERM\r"),
                     CONSOLE_OVER);
    assert_string_equal(cap.exec, "echo My terminal type is $TERM");
    console_free(c);
    c = open_console(&cap, 1);
    assert_int_equal(type(c, "x\x04\x15\x04"), CONSOLE_OVER);
    console_free(c);
}

static void long_line_is_dropped(void **state)
{
    struct capture cap;
    struct console *c = open_console(&cap, 0);
    char line[CONSOLE_LINE_MAX + 10];

    (void)state;
    memset(line, 'a', sizeof(line));
    console_input(c, line, sizeof(line));
    type(c, "\r\necho still here\r\n");
    assert_string_equal(cap.out, "line too long (over 1024 bytes)\r\n"
                                 "brandon@shellwire$ still here\r\n"
                                 "brandon@shellwire$ ");
    console_free(c);
}

/* 0 after a command that did its job, 1 after one that wrote an error. */
static void last_status_marks_failures(void **state)
{
    static const struct {
        const char *line;
        int status;
    } steps[] = {
        {"help\r", 0},
        {"nosuch\r", 1},
        {"\r", 1},
        {"echo \"a\r", 1},
        {"b\"\r", 0},
        {"help nosuch\r", 1},
        {"HELP echo\r", 0},
        {"timer 1\r", 1},
        {"timer x y\r", 1},
        {"timer 99999 y\r", 1},
        {"timer 60 later\r", 0},
        {"exec\r", 1},
        {"info\r", 0},
        {"history\r", 0},
        {"params a\r", 0},
    };
    struct capture cap;
    struct console_io io = {&cap, capture_write, capture_line, NULL};
    struct console *c = open_console(&cap, 0);
    char line[CONSOLE_LINE_MAX + 10];

    (void)state;
    assert_int_equal(console_last_status(c), 0);
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        type(c, steps[i].line);
        assert_int_equal(console_last_status(c), steps[i].status);
    }
    memset(line, 'a', sizeof(line));
    console_input(c, line, sizeof(line));
    type(c, "\r");
    assert_int_equal(console_last_status(c), 1);
    assert_int_equal(type(c, "bye\r"), CONSOLE_OVER);
    assert_int_equal(console_last_status(c), 0);
    console_free(c);

    /* Without io->exec, exec fails; with it, exec succeeds. */
    memset(&cap, 0, sizeof(cap));
    c = console_new(&io);
    assert_non_null(c);
    console_start(c, NULL, "");
    type(c, "exec id\r");
    assert_int_equal(console_last_status(c), 1);
    assert_non_null(strstr(cap.out, "exec: not available on this server"));
    console_free(c);
    c = open_console(&cap, 0);
    assert_int_equal(type(c, "exec id\r"), CONSOLE_OVER);
    assert_int_equal(console_last_status(c), 0);
    console_free(c);
}

/* Input that ends inside a quote is an error, said on a line of its own. */
static void end_of_input_inside_a_quote(void **state)
{
    struct capture cap;
    struct console *c = open_console(&cap, 0);

    (void)state;
    console_end_of_input(c); /* nothing waiting: nothing said */
    assert_int_equal(cap.len, 0);
    assert_int_equal(console_last_status(c), 0);
    type(c, "echo \"abc\r");
    assert_string_equal(cap.out, "... ");
    console_end_of_input(c);
    assert_string_equal(cap.out, "... \r\nunfinished command: a quote is still "
                                 "open or the line ends in a backslash\r\n");
    assert_int_equal(console_last_status(c), 1);
    console_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(split_like_seed_001),
        cmocka_unit_test(split_quotes_and_escapes),
        cmocka_unit_test(split_many_words),
        cmocka_unit_test(echo_in_character_mode),
        cmocka_unit_test(line_mode_does_not_echo),
        cmocka_unit_test(every_line_end),
        cmocka_unit_test(continuation_lines),
        cmocka_unit_test(editing_keys),
        cmocka_unit_test(history_and_arrows),
        cmocka_unit_test(help_hides_hidden_commands),
        cmocka_unit_test(help_lists_only_what_runs),
        cmocka_unit_test(backspace_erases_a_character),
        cmocka_unit_test(errors_red_only_with_colour),
        cmocka_unit_test(info_shows_the_terminal),
        cmocka_unit_test(timer_message_redraws_the_line),
        cmocka_unit_test(ask_then_password_without_echo),
        cmocka_unit_test(bye_exec_and_ctrl_d),
        cmocka_unit_test(long_line_is_dropped),
        cmocka_unit_test(last_status_marks_failures),
        cmocka_unit_test(end_of_input_inside_a_quote),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
