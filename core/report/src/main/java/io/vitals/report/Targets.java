package io.vitals.report;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import io.vitals.kpi.Segment;
import io.vitals.kpi.Target;
import io.vitals.kpi.TargetBook;

/** Every configured target, tracked as configuration files come, change and go. */
@Component(service = TargetBook.class, immediate = true)
public class Targets implements TargetBook {

    private final List<ConfiguredTarget> configured = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addTarget(ConfiguredTarget target) {
        configured.add(target);
    }

    void removeTarget(ConfiguredTarget target) {
        configured.remove(target);
    }

    @Override
    public Optional<Target> targetFor(String kpi, Segment segment) {
        Optional<Target> exact = all().stream().filter(t -> t.kpi().equals(kpi) && t.segment().equals(segment)).findFirst();
        return exact.isPresent() ? exact
                : all().stream().filter(t -> t.kpi().equals(kpi) && t.segment().isAll()).findFirst();
    }

    @Override
    public List<Target> all() {
        return configured.stream().map(ConfiguredTarget::target).toList();
    }
}
