namespace Sidecart.Dapr.AspNetCore;

public static class TopicResults
{
    private static readonly TopicResult SuccessResult = new(TopicStatus.Success);
    private static readonly TopicResult RetryResult = new(TopicStatus.Retry);
    private static readonly TopicResult DropResult = new(TopicStatus.Drop);

    public static TopicResult Success() => SuccessResult;

    public static TopicResult Retry() => RetryResult;

    public static TopicResult Drop() => DropResult;
}
