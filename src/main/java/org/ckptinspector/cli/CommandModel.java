package org.ckptinspector.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Builds the commands' picocli models through its programmatic API. Annotations would be read by reflection at
 * every start (annotation proxies spun, every field of every command inspected); a model built in code costs
 * neither, and only the command that runs is built.
 */
final class CommandModel {
    private CommandModel() {}

    /** A command named {@code name} that runs {@code command}, with -h/--help and -V/--version. */
    static CommandSpec command(Object command, String name, String... description) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command).name(name);
        spec.usageMessage().description(description);
        // What picocli's mixinStandardHelpOptions adds, which it would build from an annotated class.
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).type(boolean.class).initialValue(false)
                .description("Show this help message and exit.").build());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true).type(boolean.class).initialValue(false)
                .description("Print version information and exit.").build());
        return spec;
    }

    /** An option without a value. */
    static OptionSpec flag(String name, String description) {
        return OptionSpec.builder(name).type(boolean.class).initialValue(false).description(description).build();
    }

    /** An option with one text value, null when not given. */
    static OptionSpec text(String name, String label, String description) {
        return option(name, String.class, label, description);
    }

    /** An option with one value of {@code type}, null when not given. */
    static OptionSpec option(String name, Class<?> type, String label, String description) {
        return OptionSpec.builder(name).type(type).paramLabel(label).description(description).build();
    }

    /** A repeatable option with a text value; the values in order, none when not given. */
    static OptionSpec texts(String name, String label, String description) {
        return OptionSpec.builder(name).type(List.class).auxiliaryTypes(String.class).initialValue(new ArrayList<>())
                .paramLabel(label).description(description).build();
    }

    /** The {@code index}-th positional parameter, one value of {@code type}. */
    static PositionalParamSpec positional(int index, Class<?> type, String label, String description) {
        return PositionalParamSpec.builder().index(String.valueOf(index)).type(type).paramLabel(label)
                .description(description).build();
    }

    /** One or more positional parameters of {@code type}. */
    static PositionalParamSpec positionals(Class<?> type, String label, String description) {
        return PositionalParamSpec.builder().arity("1..*").type(List.class).auxiliaryTypes(type)
                .initialValue(new ArrayList<>()).paramLabel(label).description(description).build();
    }
}
