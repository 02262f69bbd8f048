package dev.pledge.coordinator.protocol;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Three-phase commit's whole table, as the protocol requires it (see {@link ProtocolTable} for how a row reads). */
class ThreePhaseTableTest {
    private static final String ANY = "Begun|Found|Voted(YES,YES)|Acked(inventory,COMMITTED)|Reported(inventory,ABORTED)"
            + "|NoAnswer(inventory)";

    static final List<String> TABLE = List.of(
            "PREPARING - Begun -> PREPARING: hit before-prepare; ask can-commit"
                    + " # the vote: participants prepare for real and learn their peers",
            "PREPARING - Voted(YES,YES) -> PRECOMMITTING: hit after-votes; log COMMIT PRECOMMITTING; hit after-decision;"
                    + " send pre-commit inventory; send pre-commit payment # every YES: tell everyone before anyone commits",
            "PREPARING - Voted(YES,NO) -> ABORTING: hit after-votes; log ABORT ABORTING; hit after-decision;"
                    + " send abort inventory # payment's NO aborted its branch already",
            "PREPARING - Voted(NONE,YES) -> ABORTING: hit after-votes; log ABORT ABORTING; hit after-decision;"
                    + " send abort inventory; send abort payment # no vote: inventory may have prepared",
            "PREPARING - Found -> ABORTING: log ABORT ABORTING; send abort inventory; send abort payment"
                    + " # presumed abort: no branch was pre-committed, so none can have committed",
            "PREPARING - Acked(inventory,PREPARED)|Reported(inventory,PREPARED)|NoAnswer(inventory) -> refused"
                    + " # votes arrive together, as Voted",
            "PRECOMMITTING - Begun|Voted(YES,YES) -> refused # decided",
            "PRECOMMITTING - Found -> PRECOMMITTING: read inventory; read payment"
                    + " # recovery asks how far the pre-commits (and the participants' termination) got",
            "PRECOMMITTING - Acked(inventory,PRECOMMITTED)|Reported(inventory,PRECOMMITTED)|NoAnswer(inventory) -> refused"
                    + " # no answer is awaited between rounds",
            "PRECOMMITTING pre-commit:inventory,payment Acked(inventory,PRECOMMITTED) -> PRECOMMITTING:"
                    + " hit after-first-precommit # one branch pre-committed: its termination would commit",
            "PRECOMMITTING pre-commit:inventory,payment NoAnswer(inventory) -> PRECOMMITTING # the round goes on",
            "PRECOMMITTING pre-commit:inventory,payment Reported(inventory,ABORTED) -> refused"
                    + " # a pre-commit is acknowledged or not; a branch's state comes from a read",
            "PRECOMMITTING pre-commit:payment Acked(payment,PRECOMMITTED) -> COMMITTING: log precommitted"
                    + " [inventory=PRECOMMITTED,payment=PRECOMMITTED]; hit after-precommits; send do-commit inventory;"
                    + " send do-commit payment # everyone pre-committed: commit",
            "PRECOMMITTING pre-commit:payment NoAnswer(payment) -> PRECOMMITTING: record [inventory=PRECOMMITTED]; stop"
                    + " # recovery reads the branches and decides",
            "PRECOMMITTING state:inventory,payment Reported(inventory,PRECOMMITTED) -> PRECOMMITTING"
                    + " # the rule waits for every branch's state",
            "PRECOMMITTING state:inventory,payment NoAnswer(inventory) -> PRECOMMITTING: stop"
                    + " # a branch that cannot be read ends the pass: deciding without it could split",
            "PRECOMMITTING state:inventory,payment Acked(inventory,PREPARED) -> refused # a read is not acknowledged",
            "PRECOMMITTING state:payment Reported(payment,PREPARED) -> ABORTING: log ABORT ABORTING; send abort inventory;"
                    + " send abort payment # every branch merely prepared: none can have committed",
            "PRECOMMITTING state:payment Reported(payment,PRECOMMITTED) -> PRECOMMITTING: send pre-commit inventory;"
                    + " send pre-commit payment # one pre-committed means everyone voted YES: finish the pre-commits",
            "PRECOMMITTING state:payment Reported(payment,COMMITTED) -> PRECOMMITTING: send pre-commit inventory;"
                    + " send pre-commit payment # the termination protocol committed: so does the coordinator",
            "PRECOMMITTING state:payment Reported(payment,ABORTED) -> ABORTING: log ABORT ABORTING; send abort inventory;"
                    + " send abort payment # the termination protocol aborted: so does the coordinator",
            "PRECOMMITTING state:payment Reported(payment,WORKING) -> ABORTING: log ABORT ABORTING; send abort inventory;"
                    + " send abort payment # a branch that never prepared aborts the transaction",
            "COMMITTING - Begun|Voted(YES,YES) -> refused # decided",
            "COMMITTING - Found -> COMMITTING: send do-commit inventory; send do-commit payment # recovery re-sends",
            "COMMITTING - Acked(inventory,COMMITTED)|Reported(inventory,ABORTED)|NoAnswer(inventory) -> refused"
                    + " # no answer is awaited between rounds",
            "COMMITTING do-commit:inventory,payment Acked(inventory,COMMITTED) -> COMMITTING: hit after-first-docommit"
                    + " # one branch committed, the other not yet",
            "COMMITTING do-commit:inventory,payment NoAnswer(inventory) -> COMMITTING # the round goes on",
            "COMMITTING do-commit:payment Acked(payment,COMMITTED) -> COMMITTED: finish COMMITTED"
                    + " [inventory=COMMITTED,payment=COMMITTED] # the end",
            "COMMITTING do-commit:payment Reported(payment,ABORTED) -> MIXED: finish MIXED"
                    + " [inventory=COMMITTED,payment=ABORTED] # a partition's split, found and recorded",
            "COMMITTING do-commit:payment NoAnswer(payment) -> COMMITTING: record [inventory=COMMITTED]; stop"
                    + " # sent again next pass",
            "ABORTING - Begun|Voted(YES,NO) -> refused # decided",
            "ABORTING - Found -> ABORTING: send abort inventory; send abort payment # recovery re-sends",
            "ABORTING - Acked(inventory,ABORTED)|Reported(inventory,COMMITTED)|NoAnswer(inventory) -> refused"
                    + " # no answer is awaited between rounds",
            "ABORTING abort:inventory,payment Acked(inventory,ABORTED) -> ABORTING # no crash point for an abort",
            "ABORTING abort:payment Acked(payment,ABORTED) -> ABORTED: finish ABORTED [inventory=ABORTED,payment=ABORTED]"
                    + " # the end",
            "ABORTING abort:payment Reported(payment,COMMITTED) -> MIXED: finish MIXED"
                    + " [inventory=ABORTED,payment=COMMITTED] # split",
            "ABORTING abort:payment NoAnswer(payment) -> ABORTING: record [inventory=ABORTED]; stop # sent again next pass",
            "COMMITTED - " + ANY + " -> refused # ended",
            "ABORTED - " + ANY + " -> refused # ended",
            "MIXED - " + ANY + " -> refused # ended, for an operator");

    @Test
    void everyStateAndEventGoesAsTheProtocolRequires() {
        ProtocolTable.check(TABLE, ThreePhase::next);
    }
}
