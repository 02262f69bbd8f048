package dev.pledge.system;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.pledge.system.deploy.ComposeChecks;
import dev.pledge.system.deploy.KafkaChecks;
import dev.pledge.system.deploy.ManifestChecks;
import dev.pledge.system.deploy.Manifests;
import dev.pledge.system.deploy.NetworkChecks;
import dev.pledge.system.deploy.SecurityChecks;
import dev.pledge.system.deploy.ServiceChecks;

/**
 * deploy/kubernetes and deploy/compose, read as files (no cluster, no Docker): every resource has what its kind
 * requires, every reference between them resolves, and both agree with the services' own settings: image,
 * HTTP port, database, Kafka topics, addresses, replicas. Each failure names the file and the resource.
 */
class DeployManifestsTest {
    private static final Manifests MANIFESTS = Manifests.load();
    private static final ManifestChecks KUBERNETES = new ManifestChecks(MANIFESTS);
    private static final ServiceChecks SERVICES = new ServiceChecks(MANIFESTS);
    private static final KafkaChecks KAFKA = new KafkaChecks(MANIFESTS);
    private static final ComposeChecks COMPOSE = ComposeChecks.of(MANIFESTS);
    private static final SecurityChecks SECURITY = new SecurityChecks(MANIFESTS, COMPOSE);
    private static final NetworkChecks NETWORK = new NetworkChecks(MANIFESTS);
    /** The local stack's max_prepared_transactions, which the deployed participants' databases must match. */
    private static final int PREPARED = MANIFESTS.constant("stack/src/main/java/dev/pledge/stack/PostgresServer.java",
            "MAX_PREPARED_TRANSACTIONS");

    @Test
    void everyKafkaClientLogsInAsItsOwnUser() {
        assertNone(KAFKA.everyClientLogsInAsItsOwnUser());
    }

    @Test
    void kafkaUsersHaveTheLocalBrokersAcls() {
        assertNone(KAFKA.kafkaUsersHaveTheLocalBrokersAcls());
    }

    @Test
    void composeBrokerHasTheLocalBrokersUsersTopicsAndAcls() {
        assertNone(KAFKA.composeBrokerHasTheLocalBrokersUsersTopicsAndAcls(COMPOSE));
    }

    @Test
    void everyDocumentParsesAndNamesItsKind() {
        assertNone(KUBERNETES.everyDocumentParsesAndNamesItsKind());
    }

    @Test
    void kustomizationsListEveryFileOfTheirFolderAndNoOther() {
        assertNone(KUBERNETES.kustomizationsListEveryFileOfTheirFolderAndNoOther());
    }

    @Test
    void deploymentsHaveSelectorsImagesPortsProbesAndResources() {
        assertNone(KUBERNETES.deploymentsHaveSelectorsImagesPortsProbesAndResources());
    }

    @Test
    void servicesAndDisruptionBudgetsSelectADeploymentAndItsPorts() {
        assertNone(KUBERNETES.servicesAndDisruptionBudgetsSelectADeploymentAndItsPorts());
    }

    @Test
    void everyConfigMapAndSecretAPodReadsExists() {
        assertNone(KUBERNETES.everyConfigMapAndSecretAPodReadsExists());
    }

    @Test
    void overlayPatchesAndImagesTargetWhatTheyBuildOn() {
        assertNone(KUBERNETES.overlayPatchesAndImagesTargetWhatTheyBuildOn());
    }

    @Test
    void eachServiceRunsItsModuleImageOnItsPort() {
        assertNone(SERVICES.eachServiceRunsItsModuleImageOnItsPort());
    }

    @Test
    void everyLocalAddressOfAServiceIsSetInItsPod() {
        assertNone(SERVICES.everyLocalAddressOfAServiceIsSetInItsPod());
    }

    @Test
    void everyUrlInTheConfigNamesAServiceAndItsPort() {
        assertNone(SERVICES.everyUrlInTheConfigNamesAServiceAndItsPort());
    }

    @Test
    void databasesAreTheOnesTheServicesExpectWithPreparedTransactionsForParticipants() {
        assertNone(SERVICES.databasesAreTheOnesTheServicesExpect(PREPARED));
    }

    @Test
    void replicatedServicesKeepTheirOwnIdentityAndADisruptionBudget() {
        assertNone(SERVICES.replicatedServicesKeepTheirOwnIdentityAndADisruptionBudget());
    }

    @Test
    void kafkaRunsInKraftModeWithNodePools() {
        assertNone(KAFKA.kafkaRunsInKraftModeWithNodePools());
    }

    @Test
    void everyTopicTheServicesUseIsDeclaredAndNoOther() {
        assertNone(KAFKA.everyTopicTheServicesUseIsDeclaredAndNoOther());
    }

    @Test
    void servicesThatUseKafkaGetItsBootstrapService() {
        assertNone(KAFKA.servicesThatUseKafkaGetItsBootstrapService());
    }

    @Test
    void composeRunsEachServiceAsOftenAsKubernetesOnItsPort() {
        assertNone(COMPOSE.runsEachServiceAsOftenAsKubernetesOnItsPort());
    }

    @Test
    void composeReplicasDifferWhereKubernetesPodsDo() {
        assertNone(COMPOSE.replicasDifferWhereKubernetesPodsDo());
    }

    @Test
    void composeServicesHaveHealthchecksAndWaitForHealthyDependencies() {
        assertNone(COMPOSE.everyServiceHasAHealthcheckAndWaitsForHealthyDependencies());
    }

    @Test
    void composeAddressesNameServicesAndTheirDatabases() {
        assertNone(COMPOSE.addressesNameServicesAndTheirDatabases(PREPARED));
    }

    @Test
    void noDeploymentTurnsTheLabSwitchOn() {
        assertNone(SECURITY.labIsOffOutsideTheLocalStack());
    }

    @Test
    void noDeploymentCarriesACredentialInPlainText() {
        assertNone(SECURITY.noCredentialIsWrittenInAFile());
    }

    @Test
    void everyPodRefusesWhatNoNetworkPolicyAllows() {
        assertNone(NETWORK.everyPodRefusesWhatNoPolicyAllows());
    }

    @Test
    void theNetworkPoliciesLetEveryCallTheServicesMakeThrough() {
        assertNone(NETWORK.everyCallTheServicesMakeIsAllowed());
    }

    static void assertNone(List<String> problems) {
        if (!problems.isEmpty()) {
            fail(problems.size() + " problem(s):\n  " + String.join("\n  ", problems));
        }
    }
}
