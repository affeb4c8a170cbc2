namespace Reconciler.Storage.Incidents;

/// <summary>The kinds of incident, as files, the database and the API name them.</summary>
public static class IncidentKinds
{
    public const string VendorDown = "vendor_down";

    public const string SettlementMissing = "settlement_missing";

    public const string CallbackFailure = "callback_failure";

    public const string RiskHold = "risk_hold";

    public static IReadOnlyList<string> All { get; } = [VendorDown, SettlementMissing, CallbackFailure, RiskHold];
}
