package dev.pledge.coordinator.protocol;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Two-phase commit's whole table, as the protocol requires it (see {@link ProtocolTable} for how a row reads). */
class TwoPhaseTableTest {
    private static final String ANY = "Begun|Found|Voted(YES,YES)|Acked(inventory,COMMITTED)|Reported(inventory,ABORTED)"
            + "|NoAnswer(inventory)";

    static final List<String> TABLE = List.of(
            "PREPARING - Begun -> PREPARING: hit before-prepare; ask prepare"
                    + " # logged first, then every branch is asked at once",
            "PREPARING - Voted(YES,YES) -> COMMITTING: hit after-votes; log COMMIT COMMITTING; hit after-decision;"
                    + " send commit inventory; send commit payment # every YES: commit, forced to the log before it is sent",
            "PREPARING - Voted(YES,NO) -> ABORTING: hit after-votes; log ABORT ABORTING; hit after-decision;"
                    + " send abort inventory # payment's NO aborted its branch already: it holds nothing",
            "PREPARING - Voted(YES,NONE) -> ABORTING: hit after-votes; log ABORT ABORTING; hit after-decision;"
                    + " send abort inventory; send abort payment # no vote counts as NO, but the branch may have prepared",
            "PREPARING - Found -> ABORTING: log ABORT ABORTING; send abort inventory; send abort payment"
                    + " # presumed abort: nothing was decided, so no branch can have committed",
            "PREPARING - Acked(inventory,PREPARED)|Reported(inventory,PREPARED)|NoAnswer(inventory) -> refused"
                    + " # votes arrive together, as Voted; nothing else is awaited before the decision",
            "PRECOMMITTING - " + ANY + " -> refused # 2PC has no pre-commit phase",
            "COMMITTING - Begun|Voted(YES,YES) -> refused # a decided transaction is not begun or voted on again",
            "COMMITTING - Found -> COMMITTING: send commit inventory; send commit payment # recovery re-sends the decision",
            "COMMITTING - Acked(inventory,COMMITTED)|Reported(inventory,ABORTED)|NoAnswer(inventory) -> refused"
                    + " # no answer is awaited between rounds",
            "COMMITTING commit:inventory,payment Acked(inventory,COMMITTED) -> COMMITTING: hit after-first-commit"
                    + " # one branch committed, the other not yet: the moment a crash leaves them apart",
            "COMMITTING commit:inventory,payment NoAnswer(inventory)|Reported(inventory,ABORTED) -> COMMITTING"
                    + " # the round goes on until every branch answered",
            "COMMITTING commit:payment Acked(payment,COMMITTED) -> COMMITTED: finish COMMITTED"
                    + " [inventory=COMMITTED,payment=COMMITTED] # every branch acknowledged: the end",
            "COMMITTING commit:payment Reported(payment,ABORTED) -> MIXED: finish MIXED"
                    + " [inventory=COMMITTED,payment=ABORTED] # a branch ended the other way on its own: split, for an operator",
            "COMMITTING commit:payment NoAnswer(payment) -> COMMITTING: record [inventory=COMMITTED]; stop"
                    + " # the ack kept, the next pass sends payment the commit again",
            "ABORTING - Begun|Voted(YES,NO) -> refused # decided",
            "ABORTING - Found -> ABORTING: send abort inventory; send abort payment # recovery re-sends the decision",
            "ABORTING - Acked(inventory,ABORTED)|Reported(inventory,COMMITTED)|NoAnswer(inventory) -> refused"
                    + " # no answer is awaited between rounds",
            "ABORTING abort:inventory,payment Acked(inventory,ABORTED) -> ABORTING # an abort has no crash point of its own",
            "ABORTING abort:payment Acked(payment,ABORTED) -> ABORTED: finish ABORTED [inventory=ABORTED,payment=ABORTED]"
                    + " # every branch acknowledged",
            "ABORTING abort:payment Reported(payment,COMMITTED) -> MIXED: finish MIXED"
                    + " [inventory=ABORTED,payment=COMMITTED] # a branch committed on its own: split",
            "ABORTING abort:payment NoAnswer(payment) -> ABORTING: record [inventory=ABORTED]; stop # sent again next pass",
            "COMMITTED - " + ANY + " -> refused # ended: nothing moves it",
            "ABORTED - " + ANY + " -> refused # ended",
            "MIXED - " + ANY + " -> refused # ended, for an operator");

    @Test
    void everyStateAndEventGoesAsTheProtocolRequires() {
        ProtocolTable.check(TABLE, TwoPhase::next);
    }
}
