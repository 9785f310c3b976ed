/** The task queue the s3bridge worker polls unless S3BRIDGE_TASK_QUEUE says otherwise. */
export const DEFAULT_TASK_QUEUE = 's3bridge';
