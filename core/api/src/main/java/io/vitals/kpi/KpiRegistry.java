package io.vitals.kpi;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Every KPI installed in the running platform, tracked as KPI services come and go. This is the
 * object an embedding host is handed.
 */
@ProviderType
public interface KpiRegistry {

    /** The installed KPIs, ordered by catalogue category and then id. */
    List<KpiInfo> list();

    Optional<KpiInfo> find(String id);

    /** @throws UnknownKpiException when no installed KPI has this id */
    KpiResult compute(String id, KpiQuery query);

    /** @throws UnknownKpiException when no installed KPI has this id */
    KpiSeries series(String id, KpiQuery query, Grain grain);

    /** The customers behind a KPI's number. @throws UnknownKpiException when no installed KPI has this id */
    KpiTable customers(String id, KpiQuery query, DrillDown drillDown);

    /**
     * KPIs another KPI of the same id outranks: of two bundles the higher version (then the later
     * install), otherwise the newer (file time or install time). Removing the winner brings them back.
     */
    List<ShadowedKpi> shadowed();

    /** KPI files that could not be loaded, and KPIs whose configuration they refused, with the reason and the line. */
    List<KpiProblem> problems();

    /**
     * The installed KPI with this id.
     *
     * @throws MisconfiguredKpiException when a KPI of this id is there but its configuration or file is wrong
     * @throws UnknownKpiException when none is
     */
    default KpiInfo require(String id) {
        Optional<KpiInfo> found = find(id);
        if (found.isPresent()) {
            return found.get();
        }
        for (KpiProblem p : problems()) {
            if (id.equals(p.id())) {
                String reason = p.reason().startsWith("misconfigured: ") ? p.reason().substring("misconfigured: ".length()) : p.reason();
                throw new MisconfiguredKpiException(id, p.origin() + (p.line() > 0 ? ":" + p.line() : ""), reason);
            }
        }
        throw new UnknownKpiException(id, list().stream().map(KpiInfo::id).sorted().toList());
    }
}
