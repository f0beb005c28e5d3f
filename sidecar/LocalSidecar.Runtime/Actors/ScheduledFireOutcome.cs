namespace LocalSidecar.Actors;

/// <summary>What became of one reminder or timer firing.</summary>
public enum ScheduledFireOutcome
{
    /// <summary>The app was called (whatever it answered); the schedule goes on.</summary>
    Delivered,

    /// <summary>The app answered <c>X-DaprReminderCancel: true</c>: no further firings.</summary>
    Cancelled,

    /// <summary>This sidecar no longer owns the actor (or is shutting down); the new owner takes over.</summary>
    NotOwned,

    /// <summary>The actor a timer belongs to was deactivated; its timers are gone with it.</summary>
    ActorGone,
}
