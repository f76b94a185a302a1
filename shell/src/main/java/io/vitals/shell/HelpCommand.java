package io.vitals.shell;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * {@code help}: the Vitals commands with one line each, and {@code help <command>} printing exactly
 * what {@code <command> --help} prints. Commands of other bundles are left to Felix's own help.
 */
@Component(service = HelpCommand.class, property = {
        "osgi.command.scope=vitals",
        "osgi.command.function=help"})
public class HelpCommand {

    /** The service property that marks a command service as answering {@code --help}. */
    static final String VITALS_COMMANDS = "vitals.commands";

    private final BundleContext context;

    @Activate
    public HelpCommand(BundleContext context) {
        this.context = context;
    }

    @Descriptor("Lists the Vitals commands, or shows one command's usage")
    public void help(CommandSession session, String... args) throws Exception {
        Map<String, String> commands = vitalsCommands();
        if (args.length == 0) {
            System.out.println("Vitals commands (help <command> or <command> --help for the options):");
            List<List<String>> rows = new ArrayList<>();
            commands.forEach((name, description) -> rows.add(List.of(name, description)));
            System.out.print(Render.table(null, rows, List.of(), "  "));
            System.out.println("Felix's own commands (lb, inspect, scr:list, ...): felix:help");
            return;
        }
        String name = args[0];
        String resolved = name.contains(":") ? name : commands.keySet().stream()
                .filter(c -> c.endsWith(":" + name)).findFirst().orElse(name);
        if (commands.containsKey(resolved)) {
            session.execute(resolved + " --help");
        } else {
            Object felix = session.execute("felix:help " + name);
            if (felix != null) {
                System.out.println(felix);
            }
        }
    }

    /** scope:function -> its one-line description, for every command service marked as ours. */
    private Map<String, String> vitalsCommands() throws InvalidSyntaxException {
        Map<String, String> out = new TreeMap<>();
        ServiceReference<?>[] refs = context.getServiceReferences((String) null, "(" + VITALS_COMMANDS + "=true)");
        for (ServiceReference<?> ref : refs == null ? new ServiceReference<?>[0] : refs) {
            Object scope = ref.getProperty("osgi.command.scope");
            Object functions = ref.getProperty("osgi.command.function");
            Object service = context.getService(ref);
            try {
                for (String function : functions instanceof String[] many ? many : new String[] {String.valueOf(functions)}) {
                    out.put(scope + ":" + function, describe(service, function));
                }
            } finally {
                context.ungetService(ref);
            }
        }
        return out;
    }

    private static String describe(Object service, String function) {
        if (service == null) {
            return "";
        }
        for (Method m : service.getClass().getMethods()) {
            Descriptor d = m.getAnnotation(Descriptor.class);
            if (m.getName().equals(function) && d != null) {
                return d.value();
            }
        }
        return "";
    }
}
