package dev.pledge.cli;

import dev.pledge.stack.ManagedProcess;
import dev.pledge.stack.QuarkusService;
import dev.pledge.stack.Stack;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Resolves a component name given on the command line, with the known names in the error. */
final class ServiceArg {
    private ServiceArg() {
    }

    static ManagedProcess component(Stack stack, String name, CommandSpec spec) {
        return stack.component(name).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "unknown component '" + name + "'; known: " + names(stack, false)));
    }

    static QuarkusService service(Stack stack, String name, CommandSpec spec) {
        if (component(stack, name, spec) instanceof QuarkusService s) {
            return s;
        }
        throw new ParameterException(spec.commandLine(), "'" + name + "' is not a service; services: " + names(stack, true));
    }

    private static String names(Stack stack, boolean servicesOnly) {
        return String.join(", ", stack.components().stream()
                .filter(c -> !servicesOnly || c instanceof QuarkusService).map(ManagedProcess::name).toList());
    }

}
