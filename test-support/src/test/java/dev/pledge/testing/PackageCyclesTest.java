package dev.pledge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.importer.ClassFileImporter;

/** The check each service's PackageCyclesTest relies on finds a cycle planted on purpose, and none without one. */
class PackageCyclesTest {
    @Test
    void findsTwoPackagesThatDependOnEachOther() {
        assertThat(PackageCycles.in(new ClassFileImporter().importPackages("dev.pledge.testing.cyclic"), "dev.pledge.testing.cyclic"))
                .containsExactly("a -> b -> a");
    }

    @Test
    void findsNoneWhereDependenciesGoOneWay() {
        assertThat(PackageCycles.in(new ClassFileImporter().importPackages("dev.pledge.testing.cyclic.a"), "dev.pledge.testing.cyclic.a"))
                .isEmpty();
    }
}
