package io.vitals.shell;

import java.io.PrintStream;

import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.ParameterException;

/** Parses a command's arguments with picocli; {@code --help} prints the usage and parses to nothing. */
final class Args {

    private Args() {
    }

    /** @return the filled-in spec, or {@code null} when usage was printed instead */
    static <T> T parse(T spec, String[] args, PrintStream out) {
        CommandLine line = commandLine(spec);
        try {
            line.parseArgs(args);
        } catch (ParameterException e) {
            throw new CommandError(e.getMessage().replace('\n', ' ') + "; see " + line.getCommandName() + " --help");
        }
        if (line.isUsageHelpRequested()) {
            out.print(line.getUsageMessage(Ansi.OFF));
            return null;
        }
        return spec;
    }

    static String usage(Object spec) {
        return commandLine(spec).getUsageMessage(Ansi.OFF);
    }

    private static CommandLine commandLine(Object spec) {
        CommandLine line = new CommandLine(spec);
        line.setCaseInsensitiveEnumValuesAllowed(true);
        line.setUsageHelpWidth(100);
        return line;
    }
}
