namespace Sidecart.Dapr;

public enum StateConsistency
{
    Eventual,
    Strong,
}
