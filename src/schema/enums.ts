import { registerEnumType } from 'type-graphql';

export enum Channel { EMAIL = 'EMAIL', PHONE = 'PHONE', WEB = 'WEB', SNS = 'SNS', STORE = 'STORE', SURVEY = 'SURVEY' }
export enum Sentiment { POSITIVE = 'POSITIVE', NEUTRAL = 'NEUTRAL', NEGATIVE = 'NEGATIVE' }
export enum FeedbackStatus { OPEN = 'OPEN', IN_PROGRESS = 'IN_PROGRESS', RESOLVED = 'RESOLVED' }
export enum OrderDirection { ASC = 'ASC', DESC = 'DESC' }
export enum CustomerOrderField { CREATED_AT = 'CREATED_AT', NAME = 'NAME', EMAIL = 'EMAIL', PREFECTURE = 'PREFECTURE' }
export enum FeedbackOrderField { RECEIVED_AT = 'RECEIVED_AT', RATING = 'RATING' }

registerEnumType(Channel, { name: 'Channel' });
registerEnumType(Sentiment, { name: 'Sentiment' });
registerEnumType(FeedbackStatus, { name: 'FeedbackStatus' });
registerEnumType(OrderDirection, { name: 'OrderDirection' });
registerEnumType(CustomerOrderField, { name: 'CustomerOrderField' });
registerEnumType(FeedbackOrderField, { name: 'FeedbackOrderField' });
