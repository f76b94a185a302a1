package io.vitals.connector.demo;

import java.util.concurrent.atomic.AtomicBoolean;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import io.vitals.connector.SyncObserver;
import io.vitals.connector.SyncReport;

/**
 * Says so, once per run, when a real source writes into a store that still holds the demo dataset: the
 * demo's customers would count in every KPI beside the real ones.
 */
@Component(service = SyncObserver.class)
public class DemoNotice implements SyncObserver {

    private final DemoDataset dataset;
    private final Logger log;
    private final AtomicBoolean told = new AtomicBoolean();

    @Activate
    public DemoNotice(@Reference DemoDataset dataset, @Reference(service = LoggerFactory.class) Logger log) {
        this.dataset = dataset;
        this.log = log;
    }

    @Override
    public void synced(SyncReport report) {
        if (report.source().equals(DemoGenerator.SOURCE) || report.outcome() == SyncReport.Outcome.FAILED
                || report.counts().inserted() + report.counts().updated() == 0 || told.get() || !dataset.present()) {
            return;
        }
        if (told.compareAndSet(false, true)) {
            log.warn("The store still holds the demo dataset beside {}'s data: its {} made-up customers count in every KPI."
                    + " Run demo:remove to take it out (it is not loaded again).", report.source(), dataset.customers());
        }
    }
}
