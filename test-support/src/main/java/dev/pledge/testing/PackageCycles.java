package dev.pledge.testing;

import java.util.List;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;

/**
 * Package cycles in a module's main code: each package (the classes right under the module's root package
 * count as one) may depend on another only if that one does not depend back, directly or through others.
 */
public final class PackageCycles {
    private PackageCycles() {
    }

    /** The module's main classes under {@code root}, as compiled. */
    public static JavaClasses of(String root) {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS).importPackages(root);
    }

    /** The cycles among the packages under {@code root}, one line each; none when the packages form no cycle. */
    public static List<String> in(JavaClasses classes, String root) {
        EvaluationResult result = SlicesRuleDefinition.slices().assignedFrom(byPackage(root)).should().beFreeOfCycles()
                .allowEmptyShould(true).evaluate(classes);
        return result.getFailureReport().getDetails().stream()
                .filter(line -> line.startsWith("Cycle detected"))
                .map(PackageCycles::cycle).toList();
    }

    /** "(root) -> api -> (root)", from ArchUnit's report of one cycle (its first lines, before the dependencies). */
    private static String cycle(String detail) {
        StringBuilder out = new StringBuilder();
        for (String line : detail.replace("Cycle detected:", "").lines().toList()) {
            String t = line.trim();
            if (!t.startsWith("Slice ")) {
                break;
            }
            out.append(t.substring("Slice ".length()).replace("->", "").trim());
            if (t.endsWith("->")) {
                out.append(" -> ");
            }
        }
        return out.toString();
    }

    /** A class's slice: its first package below {@code root}, or the root itself. */
    private static SliceAssignment byPackage(String root) {
        return new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass c) {
                String pkg = c.getPackageName();
                if (!pkg.equals(root) && !pkg.startsWith(root + ".")) {
                    return SliceIdentifier.ignore();
                }
                String rest = pkg.equals(root) ? "(root)" : pkg.substring(root.length() + 1).split("\\.")[0];
                return SliceIdentifier.of(rest);
            }

            @Override
            public String getDescription() {
                return "packages of " + root;
            }
        };
    }
}
