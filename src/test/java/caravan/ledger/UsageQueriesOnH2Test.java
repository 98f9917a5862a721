package caravan.ledger;

import caravan.testing.GatewayUnderTest;

/** The usage queries on the embedded default: the H2 file database under GATEWAY_DATA_DIR. */
class UsageQueriesOnH2Test extends UsageQueriesContractTest {

    @Override
    protected GatewayUnderTest startGateway(GatewayUnderTest.Builder builder) {
        return builder.start();
    }
}
