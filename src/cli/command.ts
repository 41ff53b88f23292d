/** A subcommand: gets its own argv (after the command name) and resolves with the exit code. */
export type Command = (argv: string[]) => Promise<number>;
