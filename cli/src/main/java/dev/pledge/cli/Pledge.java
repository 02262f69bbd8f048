package dev.pledge.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code pledge} command. */
@Command(name = "pledge", mixinStandardHelpOptions = true, versionProvider = Pledge.Version.class,
        description = "Distributed transactions across microservices: run the local stack, submit orders, watch protocols.",
        subcommands = {UpCommand.class, DownCommand.class, StatusCommand.class, LogsCommand.class,
                StartCommand.class, StopCommand.class, OrderCommand.class, DemoCommand.class, CrashCommand.class,
                InspectCommand.class, InDoubtCommand.class, ResolveCommand.class, ExperimentCommand.class, SagaGroupCommand.class,
                ChaosCommand.class, BenchCommand.class, KeysCommand.class, TokenCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 success, 1 error, 2 bad usage, 3 order aborted, 4 order in doubt."})
public final class Pledge {
    public static final int ERROR = 1;
    public static final int USAGE = 2;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Pledge());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(cmd.getColorScheme().errorText("error: " + e.getMessage()));
            return ERROR;
        });
        return cli.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Pledge.class.getPackage().getImplementationVersion();
            return new String[] {"pledge " + (v == null ? "development build" : v)};
        }
    }
}
