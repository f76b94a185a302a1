package io.vitals.connector.demo;

import java.io.PrintStream;
import java.time.LocalDate;
import java.util.Locale;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code demo:generate}: replaces the demo data with a dataset of a chosen size; {@code demo:remove} takes it out. */
@Component(service = DemoCommands.class, property = {
        "osgi.command.scope=demo",
        "osgi.command.function=generate",
        "osgi.command.function=remove",
        "vitals.commands=true"})
public class DemoCommands {

    @Command(name = "demo:generate", description = {
            "Replaces the demo dataset with a new one of the size asked (other sources' data is kept).",
            "The same seed, size and --today give the same data."},
            footer = {"", "Example: demo:generate --customers 1000000"})
    static final class GenerateArgs {
        @Option(names = "--customers", paramLabel = "<n>", description = "Number of customers (default: the configured size, 3000).")
        Integer customers;
        @Option(names = "--seed", paramLabel = "<n>", description = "Random seed (default 42).")
        Long seed;
        @Option(names = "--months", paramLabel = "<n>", description = "Months of history (default 24).")
        Integer months;
        @Option(names = "--usage-per-customer", paramLabel = "<n>", description = "Usage events per customer per active year (default 40).")
        Integer usage;
        @Option(names = "--nps-every", paramLabel = "<days>", description = "Days between a customer's NPS surveys (default 90).")
        Integer npsEvery;
        @Option(names = "--today", paramLabel = "<date>", description = "First day without data (default: today).")
        String today;
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;
    }

    @Command(name = "demo:remove", description = {
            "Takes the demo dataset out of the store: every record of source demo (other sources' data stays).",
            "An empty store does not load it again; demo:generate brings it back."})
    static final class RemoveArgs {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
        boolean help;
    }

    private final DemoDataset dataset;

    @Activate
    public DemoCommands(@Reference DemoDataset dataset) {
        this.dataset = dataset;
    }

    @Descriptor("Takes the demo dataset out of the store (demo:remove --help)")
    public void remove(String... args) {
        CommandLine line = new CommandLine(new RemoveArgs());
        try {
            line.parseArgs(args);
        } catch (ParameterException e) {
            throw new IllegalArgumentException(e.getMessage() + "; see demo:remove --help");
        }
        if (line.isUsageHelpRequested()) {
            System.out.print(line.getUsageMessage(Ansi.OFF));
            return;
        }
        System.out.println(dataset.remove()
                ? "Removed the demo dataset (source demo); other sources' data stays. It is not loaded again; demo:generate brings it back."
                : "No demo dataset in the store; other sources' data stays. It is not loaded into an empty store again.");
    }

    @Descriptor("Regenerates the demo dataset at a chosen size (demo:generate --help for options)")
    public void generate(String... args) {
        GenerateArgs a = new GenerateArgs();
        CommandLine line = new CommandLine(a);
        try {
            line.parseArgs(args);
        } catch (ParameterException e) {
            throw new IllegalArgumentException(e.getMessage() + "; see demo:generate --help");
        }
        PrintStream out = System.out;
        if (line.isUsageHelpRequested()) {
            out.print(line.getUsageMessage(Ansi.OFF));
            return;
        }
        DemoGenerator.Settings d = dataset.defaults();
        LocalDate today = d.today();
        if (a.today != null) {
            try {
                today = LocalDate.parse(a.today);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("malformed date for --today: '" + a.today + "'; expected an ISO date such as 2026-01-31");
            }
        }
        DemoGenerator.Settings settings = new DemoGenerator.Settings(a.customers == null ? d.customers() : a.customers,
                a.seed == null ? d.seed() : a.seed, today, a.months == null ? d.months() : a.months,
                a.usage == null ? d.usagePerCustomer() : a.usage,
                a.npsEvery == null ? d.npsEveryDays() : a.npsEvery);
        out.printf(Locale.ROOT, "Generating %,d customers over %d months up to %s (seed %d)...%n",
                settings.customers(), settings.months(), settings.today(), settings.seed());
        long started = System.nanoTime();
        DemoGenerator.Summary summary = dataset.generate(settings, (done, total) -> {
            double seconds = (System.nanoTime() - started) / 1e9;
            out.printf(Locale.ROOT, "  %3d%%  %,d of %,d customers  (%.0f s)%n", Math.round(100.0 * done / total), done, total, seconds);
            out.flush();
        });
        out.println("Done: " + DemoDataset.describe(summary));
    }
}
