package dev.pledge.system;

import static dev.pledge.system.DeployManifestsTest.assertNone;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.pledge.system.deploy.DeployCommands;
import dev.pledge.system.deploy.ServiceModule;
import dev.pledge.system.docs.DocCommand;
import dev.pledge.system.docs.LocalCommands;
import dev.pledge.system.docs.PledgeCoverage;
import dev.pledge.system.docs.TestInvocations;

/**
 * Every command README.md and the docs show is run by a test or by CI, so that none goes stale. The commands
 * for a Kubernetes cluster or a Docker engine, which no build here has, are checked against the manifests
 * instead (see {@link DeployCommands}).
 */
class DocCommandsTest {
    private static final Path HOME = ServiceModule.home();
    private static final List<DocCommand> COMMANDS = DocCommand.all(HOME);

    @Test
    void everyPledgeCommandTheDocsShowIsRunByASystemTest() {
        TestInvocations tests = TestInvocations.in(HOME.resolve("system-tests/src/test/java"));
        assertNone(new PledgeCoverage(tests).uncovered(of("./pledge")));
    }

    @Test
    void theBuildRequestsPsqlAndSettingsTheDocsShowAreRunByCiOrATest() {
        LocalCommands local = new LocalCommands(HOME);
        List<String> problems = new ArrayList<>();
        COMMANDS.stream().filter(LocalCommands::knows).forEach(c -> problems.addAll(local.check(c)));
        assertNone(problems);
    }

    @Test
    void clusterAndContainerCommandsNameWhatTheManifestsDefine() {
        DeployCommands deploy = new DeployCommands(HOME);
        List<String> problems = new ArrayList<>();
        COMMANDS.stream().filter(DeployCommands::knows).forEach(c -> problems.addAll(deploy.check(c)));
        assertNone(problems);
    }

    @Test
    void everyCommandTheDocsShowIsOneACheckKnows() {
        assertThat(COMMANDS.subList(0, 2)).as("README.md's first two commands: the main job and the tests")
                .extracting(DocCommand::text).containsExactly("./pledge demo", "./mvnw verify");
        assertThat(COMMANDS.get(1).where()).startsWith("README.md:");
        assertNone(COMMANDS.stream().filter(c -> !c.program().equals("./pledge") && !LocalCommands.knows(c)
                && !DeployCommands.knows(c)).map(c -> c + ": no check knows this command").toList());
    }

    @Test
    void shellAndConsoleBlocksInlineCodeLoopsAndContinuedLinesGiveTheirCommands() {
        List<String> markdown = List.of("Run `./pledge up` first, then `./pledge stop a &&", "./pledge start a`.", "```sh",
                "./pledge order --protocol 2pc   # commits", "sudo ./pledge chaos --campaign partitions", "./mvnw package \\",
                "    -Dx=y", "for s in a b; do", "  kind load docker-image p/$s:local", "done", "```", "```console",
                "$ ./pledge order --protocol saga", "saga 51dc (sequential)", "```", "```text", "./pledge down", "```");
        assertThat(DocCommand.in("x.md", markdown)).extracting(DocCommand::toString).containsExactly(
                "x.md:1: ./pledge up", "x.md:1: ./pledge stop a", "x.md:1: ./pledge start a",
                "x.md:4: ./pledge order --protocol 2pc", "x.md:5: ./pledge chaos --campaign partitions",
                "x.md:7: ./mvnw package -Dx=y", "x.md:9: kind load docker-image p/a:local",
                "x.md:9: kind load docker-image p/b:local", "x.md:13: ./pledge order --protocol saga");
    }

    @Test
    void aCommandAnOptionOrAValueNoTestRunsIsReportedWhereTheDocShowsIt() {
        TestInvocations tests = new TestInvocations(TestInvocations.in("T.java",
                "pledge.run(\"order\", \"--protocol\", \"2pc\", \"--amount\", amount);\n"
                        + "pledge.start(\"logs\", component, \"-f\");"));
        List<DocCommand> docs = DocCommand.in("x.md", List.of("`./pledge order --protocol 2pc --amount 5`", "",
                "`./pledge order --protocol 3pc`", "", "`./pledge order --protocol 2pc|3pc [--json]`", "",
                "`./pledge logs COMPONENT -f`", "", "`./pledge logs coordinator -f`"));
        assertThat(new PledgeCoverage(tests).uncovered(docs)).containsExactly(
                "x.md:3: ./pledge order --protocol 3pc: no system test runs it (subcommand, options, and the values of "
                        + PledgeCoverage.CHOOSERS + " and arguments as shown)",
                "x.md:5: ./pledge order --protocol 2pc|3pc [--json]: no system test runs `pledge order --protocol 3pc`",
                "x.md:5: ./pledge order --protocol 2pc|3pc [--json]: no system test runs `pledge order --json`",
                "x.md:9: ./pledge logs coordinator -f: no system test runs it (subcommand, options, and the values of "
                        + PledgeCoverage.CHOOSERS + " and arguments as shown)");
    }

    private static List<DocCommand> of(String program) {
        return COMMANDS.stream().filter(c -> c.program().equals(program)).toList();
    }
}
