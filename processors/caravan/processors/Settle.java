package caravan.processors;

import caravan.api.Variables;
import caravan.limits.Admission;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The {@code settle} step, after the answer (a stream's last chunk included): the tokens the call really
 * used replace the estimate it was admitted on, and its in-flight slots are freed. A call that failed or
 * whose client left settles when it ends, without this step; settling twice does nothing.
 */
public final class Settle implements Processor {

    @Override
    public void process(Exchange exchange) {
        Admission admission = exchange.getVariable(Variables.ADMISSION, Admission.class);
        if (admission != null) {
            admission.settle();
        }
    }
}
