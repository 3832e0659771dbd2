/* The array commands of `pluribus` (json, call): declared for main.c's dispatch. */
#ifndef PLURIBUS_CLI_ARRAYS_H
#define PLURIBUS_CLI_ARRAYS_H

/* Each takes the arguments after the command name and returns the exit status: 0 success,
 * 1 usage error, 2 bad input (datashape, JSON, a function that refuses the arrays). */
int json_command(int argc, char** argv);
int call_command(int argc, char** argv);

#endif
