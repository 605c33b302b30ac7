import { LightningElement } from 'lwc';
export default class CaseBanner extends LightningElement {}
