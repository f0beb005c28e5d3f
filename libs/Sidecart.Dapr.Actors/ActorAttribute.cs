namespace Sidecart.Dapr.Actors;

/// <summary>Names the actor type of an actor class (the default is the class name, as in Dapr's SDKs).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ActorAttribute : Attribute
{
    public string? TypeName { get; set; }
}
