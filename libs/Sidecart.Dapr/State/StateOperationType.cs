namespace Sidecart.Dapr;

public enum StateOperationType
{
    Upsert,
    Delete,
}
