package caravan.ledger;

import caravan.store.TestPostgres;
import caravan.testing.GatewayUnderTest;

/** The usage queries on a real PostgreSQL (DATABASE_URL), a fresh database of their own. */
class UsageQueriesOnPostgresTest extends UsageQueriesContractTest {

    private TestPostgres postgres;

    @Override
    protected GatewayUnderTest startGateway(GatewayUnderTest.Builder builder) {
        postgres = TestPostgres.createDatabase();
        return builder.property("gateway.database-url", postgres.url()).start();
    }

    @Override
    protected void stopStore() {
        postgres.close();
    }
}
